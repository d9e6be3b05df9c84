/*
 * cli/main.c — `cspd`: dispatch to a subcommand from one table, like git.
 *
 * The table below is the only list of commands: `cspd --help` prints it, `cspd NAME --help`
 * prints the entry's usage, an unknown command is a one-line error and exit status 2.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"

static const struct cli_command commands[] = {
    {"serve", cmd_serve, "run the API and the daily jobs",
     "usage: cspd serve [--listen ADDR:PORT] [--db PATH] [--clock INSTANT] [OPTIONS]\n"
     "\n"
     "Serve the REST API on ADDR:PORT (default 127.0.0.1:8080) until SIGINT/SIGTERM.\n"
     "  --listen ADDR:PORT  where to listen (loopback by default)\n"
     "  --db PATH           database file (default $CSPD_DB or var/cspd.db)\n"
     "  --clock INSTANT     start the business clock at INSTANT (e.g. 2026-05-01T00:00:00Z)\n"
     "                      and let it run on from there\n"
     "  --max-body BYTES    request body limit (default 1048576); larger bodies get 413\n"
     "  --secure-cookies    mark session cookies Secure (when served behind HTTPS)\n"
     "  --jobs-interval S   how often the daily-cycle thread looks at the clock (default 60)\n"
     "  --no-jobs           do not run the daily cycle and billing close in this process\n"
     "  --threads N         request worker threads, 1 to 64 (default 4); with a database\n"
     "                      file each thread gets its own connection\n"
     "\n"
     "Whenever the business clock reaches a new UTC day, serve runs the daily cycle and the\n"
     "billing close step (as 'cspd day --close') on its own database connection.\n"},
    {"db", cmd_db, "manage the database (migrate, version)",
     "usage: cspd db migrate [--db PATH]\n"
     "       cspd db version [--db PATH]\n"
     "\n"
     "migrate  create the database if needed and apply every pending migration\n"
     "version  print the schema version of the database\n"},
    {"scenario", cmd_scenario, "run NCE billing scenarios against the engine",
     "usage: cspd scenario run [--print] FILE...\n"
     "\n"
     "Run each scenario file (format: docs/scenarios.md) on a fresh in-memory store and compare\n"
     "the computed charges, refusals and final state with the file's `expect` block.\n"
     "  --print   print what the engine computed as JSON instead of comparing\n"
     "Exit status: 0 all match, 1 a mismatch (a diff is printed), 2 an invalid file.\n"},
    {"day", cmd_day, "run the daily cycle (renewals, cycle charges, EST, expiries)",
     "usage: cspd day [--date YYYY-MM-DD] [--close] [--db PATH]\n"
     "\n"
     "Run the daily cycle for every subscription up to 00:00 UTC of DATE (default: today).\n"
     "Running it twice for the same day changes nothing the second time.\n"
     "  --close   then, for every issuer whose close day (billing_settings.close_day,\n"
     "            default 1) has come, close its latest ended billing period (the previous\n"
     "            month on calendar months; docs/billing.md)\n"},
    {"demo", cmd_demo, "seed a synthetic book of business; write its Microsoft files",
     "usage: cspd demo seed [--db PATH] [--partners N] [--customers N] [--subscriptions N]\n"
     "                      [--months N] [--seed S] [--start YYYY-MM-DD]\n"
     "       cspd demo files [--db PATH] --out DIR [--seed S]\n"
     "       cspd demo clock [--db PATH]\n"
     "\n"
     "seed   a deterministic book (same seed, same bytes) made by driving the real engine\n"
     "       forward in time: price list import, partners, customers and MCAs, orders, seat\n"
     "       changes, upgrades, cancels, scheduled renewals, EST, the daily cycle for every\n"
     "       day and the billing close of every month. Without size flags: the small\n"
     "       `make run` demo (6 partners, 20 customers, 80 orders, 12 months from\n"
     "       2025-11-01) with login users, printed at the end. An already seeded database\n"
     "       is left as it is. See docs/demo.md.\n"
     "files  the seeded book's price list and monthly invoice reconciliation files\n"
     "       (Microsoft's formats) in DIR\n"
     "clock  the demo's end instant, for cspd serve --clock\n"},
    {"import", cmd_import, "import a Microsoft file (price list, recon) into the store",
     "usage: cspd import pricelist FILE [--db PATH] [--month YYYY-MM]\n"
     "       cspd import recon FILE ...   (the same as 'cspd recon import', see its --help)\n"
     "\n"
     "Import Microsoft's NCE license-based price list (CSV, docs/catalog.md). Columns are read\n"
     "by header name; every row is checked and the whole file is stored in one transaction,\n"
     "or nothing is stored and the first error is shown as \"line N, column NAME: ...\".\n"
     "Importing the same file again changes nothing.\n"
     "  --db PATH         database file (default $CSPD_DB or var/cspd.db)\n"
     "  --month YYYY-MM   the month the list is for; rows without a start date start then\n"},
    {"pricelist", cmd_pricelist, "compare price lists (new, retired, increases, decreases)",
     "usage: cspd pricelist diff A.csv B.csv [--format text|csv|xlsx] [--out FILE]\n"
     "       cspd pricelist diff [--db PATH] --from YYYY-MM-DD --to YYYY-MM-DD [--format ...]\n"
     "\n"
     "Compare two price list files, or the prices the store holds on two days: new and\n"
     "retired plans, increases and decreases with amount and percent, per market, currency,\n"
     "SKU, term and billing plan (docs/catalog.md).\n"
     "  --format text|csv|xlsx   text for people (default), CSV for scripts, an Excel\n"
     "                           workbook (needs --out FILE)\n"
     "  --out FILE               write there instead of standard output\n"},
    {"catalog", cmd_catalog, "the catalog: products, prices, upgrade paths, EST, rates",
     "usage: cspd catalog products [--query Q] [--market M] [--limit N] [--db PATH]\n"
     "       cspd catalog prices SKU [--market M] [--currency C] [--at DATE]\n"
     "       cspd catalog price SKU --term P1M|P1Y|P3Y --billing monthly|annual|triennial\n"
     "                          --market M --currency C [--at DATE] [--segment S]\n"
     "       cspd catalog load KIND FILE     (KIND: upgrade-paths, est, prerequisites,\n"
     "                                       seat-limits, rates)\n"
     "       cspd catalog rates load FILE | cspd catalog rates list [--from C] [--to C]\n"
     "       cspd catalog list KIND\n"
     "       cspd catalog check --customer ID --sku SKU --quantity N\n"
     "\n"
     "products  products and SKUs, by title or id (--query), with prices in --market\n"
     "prices    a SKU's price points (--at: those in effect that day)\n"
     "price     exactly one price of a plan on a day (default today), or why there is none:\n"
     "          no row for the plan, not yet effective (first day), ended (last day),\n"
     "          ambiguous (several segments or tiers; name --segment)\n"
     "load      a catalog data CSV (data/catalog/, docs/catalog.md), all or nothing;\n"
     "          errors name the line and column; a rates month YYYY-MM applies from its 1st\n"
     "list      the stored catalog data of KIND, tab-separated\n"
     "check     may the customer order N seats (seat limits, base-licence prerequisites)\n"},
    {"users", cmd_users, "create users and the installation's first owner",
     "usage: cspd users bootstrap --email E [--db PATH]\n"
     "       cspd users create --email E --role ROLE [--partner ID | --customer ID] [--db PATH]\n"
     "       cspd users list [--partner ID] [--db PATH]\n"
     "\n"
     "bootstrap  the installation's first owner (refused once the installation has staff)\n"
     "create     a user of a partner (--partner), of a customer (--customer, role portal) or\n"
     "           of the installation (neither); ROLE is owner, admin, billing, sales,\n"
     "           read_only or portal\n"
     "list       users, of one partner and its customers with --partner\n"
     "The generated password, and for owners and admins the TOTP enrolment URI\n"
     "(otpauth://...), are printed once. Owners and admins must sign in with TOTP.\n"},
    {"recon", cmd_recon, "reconcile Microsoft's invoice files with cspd's charges",
     "usage: cspd recon import FILE [--from DATE --to DATE] [--db PATH]\n"
     "       cspd recon list | show ID | lines ID [--status S] [--limit N]\n"
     "       cspd recon export ID [--format csv|xlsx] [--out FILE]\n"
     "       cspd recon resolve ID SEQ accept|explain|follow-up [--note TEXT]\n"
     "       cspd recon write --from DATE --to DATE [--invoice NUMBER] [--out FILE]\n"
     "       cspd recon map MICROSOFT_SUBSCRIPTION_ID SUBSCRIPTION_ID\n"
     "\n"
     "import   read Microsoft's NCE invoice reconciliation or daily rated usage file (CSV,\n"
     "         columns by header name), store it in one transaction and match every line\n"
     "         with cspd's charge lines of the period (default: the months of the file's\n"
     "         charge start dates): matched, amount differs (with the likely cause),\n"
     "         only in Microsoft's file, only in cspd. A file already imported (same bytes,\n"
     "         or same invoice and content) stores nothing. Also: cspd import recon FILE\n"
     "show     summary and totals per invoice, reseller and customer\n"
     "lines    the lines, tab-separated; --status matched|amount_differs|only_microsoft|\n"
     "         only_cspd|usage\n"
     "export   the differences as CSV (stdout or --out), or as an Excel workbook\n"
     "         (--format xlsx --out FILE)\n"
     "resolve  accept Microsoft's figures into cspd's ledger, explain (--note required) or\n"
     "         flag for follow-up; audited\n"
     "write    cspd's charges with start dates in [from, to] as Microsoft's recon file\n"
     "map      Microsoft's SubscriptionId belongs to this cspd subscription\n"
     "See docs/recon.md.\n"},
    {"invoice", cmd_invoice, "close billing periods; list, export, pay, void, credit invoices",
     "usage: cspd invoice close PERIOD [--draft] [--at INSTANT] [--db PATH]\n"
     "       cspd invoice list [--period PERIOD] [--db PATH]\n"
     "       cspd invoice show ID|NUMBER [--format json|csv|pdf] [--out FILE] [--db PATH]\n"
     "       cspd invoice pay|void|credit ID [--at INSTANT] [--db PATH]\n"
     "       cspd invoice export PERIOD --format csv|xlsx|gl [--table T] [--out FILE]\n"
     "       cspd invoice settings PARTNER [--period-day D] [--close-day D] [--db PATH]\n"
     "\n"
     "close   rate every Microsoft charge of PERIOD (YYYY-MM) and issue the invoices, one\n"
     "        transaction per issuer; running it twice changes nothing (docs/billing.md)\n"
     "        --draft  build draft invoices only (a later close finalizes them)\n"
     "        --at     the instant to use as now (default: the real clock)\n"
     "show    print an invoice as JSON (default), CSV or PDF (--out FILE for PDF)\n"
     "credit  issue a credit note cancelling a finalized invoice; prints its id\n"
     "export  the period for accounting: csv (--table invoices|lines|margins_customer|\n"
     "        margins_reseller|margins_product; default lines), xlsx (every table, one\n"
     "        sheet each; --out required) or gl (general-ledger journal per invoice)\n"
     "settings  print an issuer's billing days; --period-day D (1-28): its periods run\n"
     "        from day D to day D-1 of the next month (1 = calendar months; refused once\n"
     "        it has billed); --close-day D (1-28): the day cspd day --close closes them\n"},
    {"margins", cmd_margins, "margin rules: list, add, end",
     "usage: cspd margins list [--seller ID] [--db PATH]\n"
     "       cspd margins add --seller ID --kind markup|discount|fixed --value N\n"
     "            [--level subscription|customer|reseller|partner] [--target ID]\n"
     "            [--product P] [--sku S] [--currency C] [--from DATE] [--to DATE]\n"
     "            [--allow-below-cost] [--note TEXT] [--at INSTANT] [--db PATH]\n"
     "       cspd margins end ID --on DATE [--at INSTANT] [--db PATH]\n"
     "\n"
     "add   a rule from --from (default today); below cost is refused without\n"
     "      --allow-below-cost (then an alert.below_cost outbox row is written)\n"
     "end   the rule's last day; a rule that priced billed lines cannot end before them\n"
     "See docs/billing.md.\n"},
    {"reports", cmd_reports, "revenue, cost and margin reports; TTM revenue per partner",
     "usage: cspd reports margins --from DATE --to DATE\n"
     "            [--group-by month|customer|reseller|product_family] [--partner ID] [--json]\n"
     "       cspd reports ttm [PARTNER] [--as-of DATE] [--db PATH]\n"
     "\n"
     "margins  rated lines starting from..to, summed per group and currency\n"
     "ttm      trailing-twelve-month revenue in USD of each issuing partner (or one)\n"},
    {"partners", cmd_partners, "partners, relationships and their FY26 compliance report",
     "usage: cspd partners list [--kind KIND] [--db PATH]\n"
     "       cspd partners show ID [--db PATH]\n"
     "       cspd partners create --kind KIND --name NAME --country CC --currency CUR\n"
     "                            [FACTS] [--mpa-accepted-on DATE --mpa-accepted-by WHO]\n"
     "       cspd partners relate --distributor ID --reseller ID [--db PATH]\n"
     "       cspd partners check [ID] [--date YYYY-MM-DD] [--db PATH]\n"
     "\n"
     "list    one line per partner: id, kind, name, country, region, status, MPA\n"
     "show    the partner as JSON (the API's document)\n"
     "create  add a partner; KIND is distributor, indirect_reseller or direct_bill.\n"
     "        FACTS: --region R --pga-id N --pla-id N --pla-verified --csp-tenant-id GUID\n"
     "        --csp-tenant-active --status S --onboarded-on DATE --security-contact EMAIL\n"
     "        --designations A,B --support-plan none|other|asfp|psfp --ttm-revenue-usd AMOUNT\n"
     "        --alert-response-minutes N --reseller-months N --business-email\n"
     "relate  establish a distributor - indirect reseller relationship (same region, MPA)\n"
     "check   the FY26 authorization report of one partner, or of all: each requirement\n"
     "        met / not met / unknown, what is missing, the reassessment month and the\n"
     "        30-day remediation deadline; --date takes that day as today\n"
     "Rule refusals print their reason code, e.g. (region_mismatch: reseller_id).\n"},
    {"customers", cmd_customers, "customers and their Microsoft Customer Agreement",
     "usage: cspd customers list [--partner ID] [--db PATH]\n"
     "       cspd customers show ID [--db PATH]\n"
     "       cspd customers create --name NAME --country CC --currency CUR\n"
     "                             (--partner ID | --distributor ID --reseller ID)\n"
     "                             [--market CC] [--tenant-id GUID] [--domain NAME]\n"
     "                             [--credit-limit AMOUNT] [--portal] [--db PATH]\n"
     "       cspd customers mca ID (--accepted | --attested) [--on DATE]\n"
     "                             [--first-name F --last-name L --email E --phone P]\n"
     "                             [--version V] [--attested-by ID] [--db PATH]\n"
     "\n"
     "list    one line per customer: id, name, market, currency, partner, reseller, MCA\n"
     "show    the customer as JSON, with whether its MCA is valid today\n"
     "create  add a customer to a direct-bill partner's book (--partner) or to a\n"
     "        distributor's through a reseller (--distributor and --reseller); --country is\n"
     "        the organisation's, --market the tenant's country (default: --country)\n"
     "mca     record the MCA: accepted by the customer, or attested by its distributor or\n"
     "        direct-bill partner (signer's names, e-mail, phone and the date required)\n"},
    {"subs", cmd_subs, "NCE subscriptions: order, change, cancel, show, events, charges",
     "usage: cspd subs order CUSTOMER --sku SKU --term P1M|P1Y|P3Y\n"
     "                  --billing monthly|annual|triennial --quantity N\n"
     "                  [--no-auto-renew] [--name NAME]\n"
     "       cspd subs list [CUSTOMER]\n"
     "       cspd subs show|events|charges ID\n"
     "       cspd subs quantity ID N\n"
     "       cspd subs upgrade ID --sku SKU [--quantity N] [--name NAME]\n"
     "       cspd subs cancel|suspend|reactivate ID\n"
     "       cspd subs auto-renew ID on|off\n"
     "       cspd subs term-end ID renew|cancel|est [--sku SKU] [--term T] [--billing B]\n"
     "                              [--quantity N]\n"
     "Every form: [--db PATH] [--at INSTANT] (default: $CSPD_NOW, else the real clock).\n"
     "\n"
     "order       a new subscription: the program rules (MCA, region, partner of record,\n"
     "            self-sale), the catalog (price, seat limits, base licence) and the NCE rules\n"
     "list        one line per subscription (of CUSTOMER): id, customer, SKU, status, seats,\n"
     "            term/billing, term end, auto-renew\n"
     "show        the subscription as JSON: state, seat lots with their 168-hour deadlines,\n"
     "            term-end decision, refundable seats\n"
     "quantity    set the seat count: more any time; fewer only from lots still in their\n"
     "            window\n"
     "upgrade     along a listed path: all seats, or --quantity of them into a new one\n"
     "term-end    the decision at term end: renew (as is, or with the changes given),\n"
     "            cancel, or est\n"
     "events      the event log; charges: Microsoft's charge lines, tab-separated\n"
     "A refusal prints its reason code, e.g. (quantity_decrease_outside_window: quantity),\n"
     "and exits 1. See docs/subscriptions.md.\n"},
    {"charges", cmd_charges, "verify stored charge lines against the event logs",
     "usage: cspd charges verify [ID...] [--db PATH]\n"
     "\n"
     "Recompute every subscription (or the ones named) from its events: fold the state from\n"
     "nothing, bill each event again, and compare with the stored state and charge lines.\n"
     "Prints one DIFF line per subscription that differs and a summary; exit 1 when any\n"
     "differs. Lines billed before an exchange rate recorded later are counted apart.\n"},
    {"version", cmd_version, "print the version", "usage: cspd version\n"},
    {NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_commands(void)
{
    return commands;
}

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void print_help(FILE *out)
{
    fputs("usage: cspd COMMAND [ARGS]\n"
          "\n"
          "cspd runs a Microsoft CSP partner's book: program rules, NCE subscriptions, Microsoft's\n"
          "charges to the cent, customer billing and reconciliation.\n"
          "\n"
          "Commands:\n",
          out);
    for (const struct cli_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->synopsis);
    fputs("\nRun 'cspd COMMAND --help' for a command's options.\n", out);
}

int main(int argc, char **argv)
{
    const struct cli_command *cmd;

    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc > 2 && cli_find_command(argv[2])) {
            cli_usage(argv[2], stdout);
            return 0;
        }
        print_help(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(1, argv + 1);
    cmd = cli_find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "cspd: '%s' is not a cspd command; see 'cspd --help'\n", argv[1]);
        return 2;
    }
    if (cli_wants_help(argc - 1, argv + 1)) {
        cli_usage(cmd->name, stdout);
        return 0;
    }
    return cmd->fn(argc - 1, argv + 1);
}
