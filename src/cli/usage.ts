// What `--help` prints, for edmock and each of its commands; a usage mistake points here too.

export const SERVE_USAGE = `edmock serve [options]
  Serves the bundled beta and v1.0 services at /beta and /v1.0, or the given EDMX files, each with
  an in-memory store holding its startup dataset; the admin API is at /_edmock.

  --port <n>                 default 4000 (0: any free port)
  --host <name>              default 127.0.0.1; another host than loopback needs --admin-token
                             (or --unsafe-open-admin)
  --metadata <file>          serve that EDMX at the root instead (generated in memory)
  --metadata /prefix=<file>  serve it at a prefix; repeatable
  --fixtures [/prefix=]file  the startup data of a --metadata service (edmock generate-data writes one)
  --no-fixtures              start with empty stores
  --generate <n>             add generated data: n entities per entity set and per containment
                             navigation at each level, links along every binding
  --seed <s>                 with --generate, the seed (default 1): the same seed, the same data
  --generate-depth <d>       with --generate, containment levels filled, default 2 (0: none)
  --body-limit <bytes>       largest request body, default 4194304 (Graph's 4 MB)
  --page-size <n>            server-driven page size, default 100
  --batch-limit <n>          requests one $batch may hold, default 20 (0: no limit)
  --delta-retention <s>      seconds a delta query's tokens stay good, default 604800 (Graph's 7 days)
  --data <file>              keep the stores in this file across restarts
  --data-sync group|always   with --data, a write is answered once on disk: synced with the
                             writes arriving with it (group, default) or on its own (always)
  --journal-size <n>         requests each journal keeps, default 1000 (0: none)
  --journal-body-limit <bytes>
                             bytes of each body an entry keeps, default 65536 (cut beyond)
  --journal-max-bytes <bytes>
                             what all journals keep together, default 67108864 (64 MiB)
  --max-sessions <n>         sessions kept at once, default 1000 (the least recently used goes)
  --notify-handshake-timeout <ms>
                             change notifications (docs/notifications.md): time a notification
                             endpoint has to answer the validation request, default 10000
  --notify-delivery-timeout <ms>
                             time a receiver has to answer a delivery, default 10000
  --notify-batch-window <ms> notifications to one URL within it go in one POST, default 50
  --notify-retries <n>       further attempts after a failed delivery, default 5
  --notify-retry-backoff <ms>
                             wait before the first retry, doubled each time, default 1000
  --faults <file>            fault rules in force from the start: {"seed": 1, "rules": [...]}
  --async '<METHOD> /glob'   answer these requests too with 202 and a status monitor when they
                             send Prefer: respond-async (actions always are); repeatable
  --async-polls <n>          polls of a status monitor answered 202 before the result, default 1
  --async-retry-after <s>    the Retry-After of those 202s, default 1
  --throttle graph|<file>    throttling limits per application, tenant and resource family (429
                             with Retry-After): Graph's published Intune and directory limits,
                             or {"rules": [...]} (docs/throttling.md)
  --handlers <file>          answers of operations and hooks around entity sets' CRUD: a .js,
                             .mjs or .ts module (docs/handlers.md); reloaded with --watch
  --auth                     require Authorization: Bearer <JWT> (401 otherwise)
  --permissions <file>       with --auth, the scopes each operation needs (403 otherwise);
                             default metadata/<service>.permissions.json where present
  --audience <aud>           with --auth, an aud a token may carry; repeatable
                             (default https://graph.microsoft.com and Graph's app id)
  --admin-token <secret>     the admin API needs Authorization: Bearer <secret>
                             (default $EDMOCK_ADMIN_TOKEN; with --auth, a token with the
                             role edmock.admin opens it too)
  --unsafe-open-admin        serve an unprotected admin API on a non-loopback --host
  --tls                      serve HTTPS with a local CA's certificate (made at first start)
  --tls-dir <dir>            where that CA and certificate live, default ~/.edmock/tls
  --watch [--docs <dir>]     follow edits of metadata/ (and of the pages, imported first)
  --log-level <level>        fatal, error, warn, info (default), debug, trace
  --log-requests             log every request (the journal holds them anyway)
`;

export const GENERATE_USAGE = `edmock generate [--check] [--metadata-dir metadata] [--out generated]
  Regenerates generated/<service>/ from metadata/<service>.xml. With --check, writes nothing and
  fails when generated/ differs from what the metadata gives.
`;

export const GENERATE_DATA_USAGE = `edmock generate-data [--metadata <file>] [--generate 10] [--seed 1] [--generate-depth 2] [--out <file>]
  Writes the data \`serve --generate\` makes as a fixture file (to stdout without --out), for a test
  to load and edit: served with that file, the store is the one --generate gives with that seed.
  Without --metadata, the bundled v1.0 service's (after its fixtures, which the file does not repeat).
`;

export const DOCS_USAGE = `edmock docs import <files|dirs...> [--out metadata] [--check [--fail-on breaking|any|none]]
  Merges what API reference pages say (types, properties, enums, paths, permissions) into the
  metadata of their versions; reports every conflict with both sources and never removes anything,
  and what the new metadata changes for clients of the current file (as edmock diff). --check
  writes nothing and exits 1 when the import would make a change of the --fail-on class.
edmock docs check <files|dirs...> [--json] [--metadata-dir metadata]
  Lints API reference pages against the metadata of their version: example bodies, paths,
  responses, property tables, placeholders. Exits 1 when there are errors.
edmock docs replay <files|dirs...> [--url <service root>] [--junit <file>] [--metadata-dir metadata]
  Sends each page's example request to a mock (in-process, or the running one at --url) and
  compares the answer with the page's example response. Prints TAP.
`;

export const CHECK_METADATA_USAGE = `edmock check-metadata <file> [--format text|json]
  Loads an EDMX file and the files its edmx:Reference elements name, and lists every diagnostic:
  severity, file and element, one a line, then a summary. Exits 1 when there is an error (the
  file cannot be served), 0 when there are only warnings (it is served as they say).
`;

export const DIFF_USAGE = `edmock diff <old> <new> [--format text|markdown|json] [--fail-on breaking|any|none]
  Compares two metadata documents (EDMX files, with the files they reference, or a served
  http(s)://.../$metadata) and lists every change, classified breaking, compatible or
  annotation for a client of the old one (docs/diff.md says each rule). Exits 1 when a change
  of the --fail-on class is found (default breaking; any: any change; none: never), 0 when
  not, 2 when the command line is wrong or an input cannot be read.
`;

export const OPENAPI_USAGE = `edmock openapi [--metadata <file> | --service v1.0|beta] [--server-url <url>] [--out <file>]
  Writes the OpenAPI 3.0 description of a service (to stdout without --out), made by OASIS's
  odata-openapi: the bundled v1.0 service by default, served at http://127.0.0.1:4000/v1.0, or
  the EDMX file given, served at the root; --server-url names where it is served instead.
`;

export const USAGE = `Usage: edmock <command> [options]   (edmock <command> --help for one command)
       edmock --version            (or -v) the installed version

${SERVE_USAGE}
${GENERATE_USAGE}
${GENERATE_DATA_USAGE}
${DOCS_USAGE}
${CHECK_METADATA_USAGE}
${DIFF_USAGE}
${OPENAPI_USAGE}
Exit status: 0 done, 1 failed (metadata, files, checks), 2 a mistake in the command line.`;
