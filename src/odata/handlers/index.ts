import type { Operation } from '../../contract/routes.js';
import {
  countOperation, createAndLinkOperation, createOperation, deleteOperation, listOperation, readOperation,
  readPropertyOperation, readPropertyValueOperation, replaceOperation, updateOperation,
} from './entity-handlers.js';
import { invokeOperation } from '../operations/invoke.js';
import type { OperationHandler } from './handler.js';
import { addRefOperation, listRefsOperation, readRefOperation, removeRefOperation, setRefOperation } from './ref-handlers.js';

/** Route-table operation name -> handler. */
export const operationHandlers: Record<Operation, OperationHandler> = {
  list: listOperation,
  count: countOperation,
  create: createOperation,
  createAndLink: createAndLinkOperation,
  read: readOperation,
  readProperty: readPropertyOperation,
  readPropertyValue: readPropertyValueOperation,
  update: updateOperation,
  replace: replaceOperation,
  delete: deleteOperation,
  listRefs: listRefsOperation,
  addRef: addRefOperation,
  removeRef: removeRefOperation,
  readRef: readRefOperation,
  setRef: setRefOperation,
  invoke: invokeOperation,
};

export type { OperationHandler, OperationRequest, OperationResult } from './handler.js';
