/*
 * api/routes.c — THE route table of the HTTP API (see router.h for the record's meaning).
 *
 * This is the only list of endpoints: the server dispatches from it, GET /v1/openapi.json is
 * generated from it, and tests walk it. Keep rows grouped by resource, probes first. Schemas
 * are JSON Schema text (draft 2020-12, as OpenAPI 3.1 uses) checked to parse by the tests.
 */
#include <string.h>

#include "api/router.h"

#define SCHEMA_STATUS \
    "{\"type\":\"object\",\"required\":[\"status\"]," \
    "\"properties\":{\"status\":{\"type\":\"string\"}}}"

#define SCHEMA_CLOCK \
    "{\"type\":\"object\",\"required\":[\"now\",\"kind\"],\"properties\":{" \
    "\"now\":{\"type\":\"string\",\"format\":\"date-time\"}," \
    "\"kind\":{\"type\":\"string\",\"enum\":[\"real\",\"fixed\",\"offset\"]}}}"

#define SCHEMA_CLOCK_SET \
    "{\"type\":\"object\",\"required\":[\"now\"],\"additionalProperties\":false," \
    "\"properties\":{\"now\":{\"type\":\"string\",\"format\":\"date-time\"," \
    "\"examples\":[\"2026-05-01T00:00:00Z\"]}}}"

/* ---- authentication, users, tokens, audit (docs/auth.md) ---- */

#define SCHEMA_USER \
    "{\"type\":\"object\",\"required\":[\"id\",\"email\",\"role\"],\"properties\":{" \
    "\"id\":{\"type\":\"string\"},\"email\":{\"type\":\"string\"}," \
    "\"role\":{\"type\":\"string\",\"enum\":[\"owner\",\"admin\",\"billing\",\"sales\"," \
    "\"read_only\",\"portal\"]},\"partner_id\":{\"type\":[\"string\",\"null\"]}," \
    "\"customer_id\":{\"type\":[\"string\",\"null\"]},\"mfa_enabled\":{\"type\":\"boolean\"}," \
    "\"disabled\":{\"type\":\"boolean\"},\"created_at\":{\"type\":\"string\"}}}"

#define SCHEMA_LOGIN \
    "{\"type\":\"object\",\"required\":[\"email\",\"password\"]," \
    "\"additionalProperties\":false,\"properties\":{\"email\":{\"type\":\"string\"}," \
    "\"password\":{\"type\":\"string\",\"writeOnly\":true}," \
    "\"totp\":{\"type\":\"string\",\"pattern\":\"^[0-9]{6}$\"}}}"

#define SCHEMA_SESSION \
    "{\"type\":\"object\",\"required\":[\"csrf_token\",\"expires_at\",\"user\"]," \
    "\"properties\":{\"csrf_token\":{\"type\":\"string\"}," \
    "\"expires_at\":{\"type\":\"string\"},\"user\":" SCHEMA_USER "}}"

#define SCHEMA_ME \
    "{\"type\":\"object\",\"required\":[\"scope\",\"role\",\"credential\"]}"

#define SCHEMA_PASSWORD \
    "{\"type\":\"object\",\"required\":[\"current_password\",\"new_password\"]," \
    "\"additionalProperties\":false,\"properties\":{" \
    "\"current_password\":{\"type\":\"string\",\"writeOnly\":true}," \
    "\"new_password\":{\"type\":\"string\",\"minLength\":12,\"writeOnly\":true}}}"

#define SCHEMA_TOTP_URI \
    "{\"type\":\"object\",\"required\":[\"otpauth_uri\"],\"properties\":{" \
    "\"otpauth_uri\":{\"type\":\"string\"},\"secret\":{\"type\":\"string\"}}}"

#define SCHEMA_TOTP_CODE \
    "{\"type\":\"object\",\"required\":[\"totp\"],\"additionalProperties\":false," \
    "\"properties\":{\"totp\":{\"type\":\"string\",\"pattern\":\"^[0-9]{6}$\"}}}"

#define SCHEMA_EMPTY "{\"type\":\"object\",\"additionalProperties\":false}"

#define SCHEMA_USER_NEW \
    "{\"type\":\"object\",\"required\":[\"email\",\"role\"],\"additionalProperties\":false," \
    "\"properties\":{\"email\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"}," \
    "\"partner_id\":{\"type\":\"string\"},\"customer_id\":{\"type\":\"string\"}}}"

#define SCHEMA_USER_CREATED \
    "{\"type\":\"object\",\"required\":[\"user\",\"password\"],\"properties\":{" \
    "\"user\":" SCHEMA_USER ",\"password\":{\"type\":\"string\"}," \
    "\"otpauth_uri\":{\"type\":\"string\"}}}"

#define SCHEMA_USERS \
    "{\"type\":\"object\",\"required\":[\"users\"],\"properties\":{\"users\":" \
    "{\"type\":\"array\",\"items\":" SCHEMA_USER "}}}"

#define SCHEMA_TOKEN \
    "{\"type\":\"object\",\"required\":[\"id\",\"role\"],\"properties\":{" \
    "\"id\":{\"type\":\"string\"},\"partner_id\":{\"type\":[\"string\",\"null\"]}," \
    "\"role\":{\"type\":\"string\"},\"name\":{\"type\":[\"string\",\"null\"]}," \
    "\"last_used_at\":{\"type\":[\"string\",\"null\"]},\"revoked\":{\"type\":\"boolean\"}}}"

#define SCHEMA_TOKEN_NEW \
    "{\"type\":\"object\",\"required\":[\"role\"],\"additionalProperties\":false," \
    "\"properties\":{\"role\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
    "\"partner_id\":{\"type\":\"string\"}}}"

#define SCHEMA_TOKEN_CREATED \
    "{\"type\":\"object\",\"required\":[\"token\",\"secret\"],\"properties\":{" \
    "\"token\":" SCHEMA_TOKEN ",\"secret\":{\"type\":\"string\"}}}"

#define SCHEMA_TOKENS \
    "{\"type\":\"object\",\"required\":[\"tokens\"],\"properties\":{\"tokens\":" \
    "{\"type\":\"array\",\"items\":" SCHEMA_TOKEN "}}}"

#define SCHEMA_AUDIT \
    "{\"type\":\"object\",\"required\":[\"entries\"],\"properties\":{\"entries\":" \
    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"at\"," \
    "\"actor\",\"action\",\"object_type\"]}},\"next_before\":{\"type\":[\"integer\"," \
    "\"null\"]}}}"

/* ---- reconciliation (api/h_recon.c) ---- */

#define RECON_BODY_LIMIT ((size_t)256 << 20) /* a distributor's month as one upload */

#define SCHEMA_RECON_UPLOAD \
    "{\"type\":\"object\",\"required\":[\"content\"],\"additionalProperties\":false," \
    "\"properties\":{\"content\":{\"type\":\"string\",\"description\":\"the CSV file's text\"}," \
    "\"file_name\":{\"type\":\"string\"}," \
    "\"period_start\":{\"type\":\"string\",\"format\":\"date\"}," \
    "\"period_end\":{\"type\":\"string\",\"format\":\"date\"}}}"

#define SCHEMA_RECON_IMPORT \
    "{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"line_count\",\"counts\"]," \
    "\"properties\":{\"id\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"," \
    "\"enum\":[\"invoice\",\"usage\"]},\"line_count\":{\"type\":\"integer\"}," \
    "\"counts\":{\"type\":\"object\"},\"file_totals\":{\"type\":\"object\"}," \
    "\"duplicate\":{\"type\":\"boolean\"}}}"

#define SCHEMA_RECON_RESOLVE \
    "{\"type\":\"object\",\"required\":[\"action\"],\"additionalProperties\":false," \
    "\"properties\":{\"action\":{\"type\":\"string\",\"enum\":[\"accept\",\"explain\"," \
    "\"follow_up\"]},\"note\":{\"type\":\"string\"}}}"

#define SCHEMA_RECON_MAP \
    "{\"type\":\"object\",\"required\":[\"microsoft_subscription_id\",\"subscription_id\"]," \
    "\"additionalProperties\":false,\"properties\":{\"microsoft_subscription_id\":" \
    "{\"type\":\"string\"},\"subscription_id\":{\"type\":\"string\"}}}"

/* ---- parties: partners, relationships, customers (api/h_party_*.c, docs/parties.md) ---- */

#define PARTY_S "{\"type\":\"string\"}"
#define PARTY_SN "{\"type\":[\"string\",\"null\"]}"
#define PARTY_B "{\"type\":\"boolean\"}"
#define PARTY_DATE "{\"type\":[\"string\",\"null\"],\"format\":\"date\"}"

#define PARTY_PARTNER_PROPS \
    "\"properties\":{\"kind\":{\"enum\":[\"distributor\",\"indirect_reseller\"," \
    "\"direct_bill\"]},\"name\":" PARTY_S ",\"country\":" PARTY_S ",\"region\":" PARTY_SN \
    ",\"currency\":" PARTY_S ",\"pga_id\":" PARTY_SN ",\"pla_id\":" PARTY_SN \
    ",\"pla_verified\":" PARTY_B ",\"csp_tenant_id\":" PARTY_SN \
    ",\"csp_tenant_active\":" PARTY_B ",\"status\":{\"enum\":[\"active\",\"remediation\"," \
    "\"suspended\",\"deauthorized\"]},\"onboarded_on\":" PARTY_DATE \
    ",\"security_contact\":" PARTY_SN ",\"designations\":{\"type\":[\"array\",\"null\"]," \
    "\"items\":" PARTY_S "},\"support_plan\":{\"enum\":[\"none\",\"other\",\"asfp\"," \
    "\"psfp\",null]},\"ttm_revenue_usd\":" PARTY_SN \
    ",\"alert_response_minutes\":{\"type\":[\"integer\",\"null\"]}," \
    "\"reseller_months\":{\"type\":[\"integer\",\"null\"]}," \
    "\"business_email\":{\"type\":[\"boolean\",\"null\"]}}"

#define SCHEMA_PARTNER_NEW \
    "{\"type\":\"object\",\"required\":[\"kind\",\"name\",\"country\",\"currency\"]," \
    "\"additionalProperties\":false," PARTY_PARTNER_PROPS "}"

#define SCHEMA_PARTNER_PATCH \
    "{\"type\":\"object\",\"additionalProperties\":false," PARTY_PARTNER_PROPS "}"

#define SCHEMA_PARTNER \
    "{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"name\",\"country\",\"region\"," \
    "\"currency\",\"status\",\"mpa\",\"admin_users\"]," PARTY_PARTNER_PROPS "}"

#define SCHEMA_PARTNERS \
    "{\"type\":\"object\",\"required\":[\"partners\",\"more\"],\"properties\":{" \
    "\"partners\":{\"type\":\"array\",\"items\":" SCHEMA_PARTNER "},\"more\":" PARTY_B "}}"

#define SCHEMA_MPA \
    "{\"type\":\"object\",\"required\":[\"accepted_on\",\"accepted_by\"]," \
    "\"additionalProperties\":false,\"properties\":{\"accepted_on\":{\"type\":\"string\"," \
    "\"format\":\"date\"},\"accepted_by\":" PARTY_S "}}"

#define SCHEMA_COMPLIANCE \
    "{\"type\":\"object\",\"required\":[\"partner_id\",\"overall\",\"requirements\"," \
    "\"missing\",\"reassessment_month\",\"next_reassessment\",\"remediation_deadline\"]," \
    "\"properties\":{\"overall\":{\"enum\":[\"met\",\"not_met\",\"unknown\"]}," \
    "\"requirements\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":" \
    "[\"id\",\"state\",\"detail\"]}},\"missing\":{\"type\":\"array\",\"items\":" PARTY_S \
    "},\"next_reassessment\":" PARTY_DATE ",\"remediation_deadline\":" PARTY_DATE "}}"

#define SCHEMA_REL_NEW \
    "{\"type\":\"object\",\"required\":[\"distributor_id\",\"reseller_id\"]," \
    "\"additionalProperties\":false,\"properties\":{\"distributor_id\":" PARTY_S \
    ",\"reseller_id\":" PARTY_S "}}"

#define SCHEMA_REL \
    "{\"type\":\"object\",\"required\":[\"id\",\"distributor_id\",\"reseller_id\",\"region\"," \
    "\"active\",\"started_at\",\"ended_at\"]}"

#define SCHEMA_RELS \
    "{\"type\":\"object\",\"required\":[\"relationships\",\"more\"],\"properties\":{" \
    "\"relationships\":{\"type\":\"array\",\"items\":" SCHEMA_REL "},\"more\":" PARTY_B "}}"

#define SCHEMA_EMPTY "{\"type\":\"object\",\"additionalProperties\":false}"

#define PARTY_CUSTOMER_PROPS \
    "\"properties\":{\"name\":" PARTY_S ",\"tenant_id\":" PARTY_SN ",\"domain\":" PARTY_SN \
    ",\"country\":" PARTY_S ",\"market\":" PARTY_S ",\"billing_currency\":" PARTY_S \
    ",\"partner_id\":" PARTY_S ",\"distributor_id\":" PARTY_SN ",\"reseller_id\":" PARTY_SN \
    ",\"credit_limit\":" PARTY_SN ",\"contacts\":{\"type\":[\"array\",\"null\"],\"items\":" \
    "{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{\"name\":" PARTY_S \
    ",\"email\":" PARTY_SN ",\"phone\":" PARTY_SN ",\"role\":" PARTY_SN "}}}," \
    "\"portal_enabled\":" PARTY_B ",\"affiliated_pga_id\":" PARTY_SN \
    ",\"csp_transacting_tenant\":" PARTY_B "}"

#define SCHEMA_CUSTOMER_NEW \
    "{\"type\":\"object\",\"required\":[\"name\",\"country\",\"billing_currency\"]," \
    "\"additionalProperties\":false," PARTY_CUSTOMER_PROPS "}"

#define SCHEMA_CUSTOMER_PATCH \
    "{\"type\":\"object\",\"additionalProperties\":false," PARTY_CUSTOMER_PROPS "}"

#define SCHEMA_CUSTOMER \
    "{\"type\":\"object\",\"required\":[\"id\",\"name\",\"market\",\"region\"," \
    "\"billing_currency\",\"partner_id\",\"mca\"]," PARTY_CUSTOMER_PROPS "}"

#define SCHEMA_CUSTOMERS \
    "{\"type\":\"object\",\"required\":[\"customers\",\"more\"],\"properties\":{" \
    "\"customers\":{\"type\":\"array\",\"items\":" SCHEMA_CUSTOMER "},\"more\":" PARTY_B "}}"

#define SCHEMA_MCA \
    "{\"type\":\"object\",\"required\":[\"status\"],\"additionalProperties\":false," \
    "\"properties\":{\"status\":{\"enum\":[\"accepted\",\"attested\"]},\"accepted_on\":" \
    "{\"type\":\"string\",\"format\":\"date\"},\"signer_first_name\":" PARTY_S \
    ",\"signer_last_name\":" PARTY_S ",\"signer_email\":" PARTY_S ",\"signer_phone\":" \
    PARTY_S ",\"agreement_version\":" PARTY_S ",\"attested_by\":" PARTY_S "}}"

/* ---- catalog and price lists (api/h_catalog*.c, docs/catalog.md) ---- */

#define PRICELIST_BODY_LIMIT ((size_t)256 << 20) /* a global price list as one upload */

#define CAT_S "{\"type\":\"string\"}"
#define CAT_SN "{\"type\":[\"string\",\"null\"]}"
#define CAT_IDS "{\"type\":\"array\",\"items\":" CAT_S "}"

#define SCHEMA_PRICELIST_UPLOAD \
    "{\"type\":\"object\",\"required\":[\"content\"],\"additionalProperties\":false," \
    "\"properties\":{\"content\":{\"type\":\"string\",\"description\":\"the CSV file's " \
    "text\"},\"file_name\":" CAT_S ",\"month\":{\"type\":\"string\",\"pattern\":" \
    "\"^[0-9]{4}-[0-9]{2}$\"}}}"

#define SCHEMA_PRICELIST_IMPORT \
    "{\"type\":\"object\",\"required\":[\"id\",\"already_imported\",\"rows\",\"inserted\"," \
    "\"updated\",\"unchanged\",\"alerts\"]}"

#define SCHEMA_PRICE_CHANGES \
    "{\"type\":\"object\",\"required\":[\"from\",\"to\",\"counts\",\"changes\"]}"

#define SCHEMA_PRODUCTS \
    "{\"type\":\"object\",\"required\":[\"products\"],\"properties\":{\"products\":" \
    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"title\"," \
    "\"skus\"]}}}}"

#define SCHEMA_PRICE_POINT \
    "{\"type\":\"object\",\"required\":[\"sku\",\"market\",\"currency\",\"term\",\"billing\"," \
    "\"unit_price\",\"effective_from\"],\"properties\":{\"unit_price\":{\"type\":\"string\"," \
    "\"description\":\"per seat per billing cycle\"},\"term_price\":" CAT_SN "}}"

#define SCHEMA_SKU_PRICES \
    "{\"type\":\"object\",\"required\":[\"sku\",\"prices\"],\"properties\":{\"prices\":" \
    "{\"type\":\"array\",\"items\":" SCHEMA_PRICE_POINT "}}}"

#define SCHEMA_SKU_PRICE \
    "{\"type\":\"object\",\"required\":[\"at\",\"price\"],\"properties\":{\"price\":" \
    SCHEMA_PRICE_POINT "}}"

#define SCHEMA_PATHS_PUT \
    "{\"type\":\"object\",\"required\":[\"targets\"],\"additionalProperties\":false," \
    "\"properties\":{\"targets\":" CAT_IDS "}}"

#define SCHEMA_PREREQS_PUT \
    "{\"type\":\"object\",\"required\":[\"requires\"],\"additionalProperties\":false," \
    "\"properties\":{\"requires\":" CAT_IDS ",\"note\":" CAT_S "}}"

#define SCHEMA_EST_PUT \
    "{\"type\":\"object\",\"required\":[\"eligible\"],\"additionalProperties\":false," \
    "\"properties\":{\"eligible\":{\"type\":\"boolean\"},\"uplift_p1m\":" CAT_S \
    ",\"uplift_fallback\":" CAT_S ",\"note\":" CAT_S "}}"

#define SCHEMA_SEATS_PUT \
    "{\"type\":\"object\",\"required\":[\"min_seats\"],\"additionalProperties\":false," \
    "\"properties\":{\"min_seats\":{\"type\":\"integer\",\"minimum\":1},\"max_seats\":" \
    "{\"type\":[\"integer\",\"null\"]}}}"

#define SCHEMA_CURRENCIES \
    "{\"type\":\"object\",\"required\":[\"currencies\"],\"properties\":{\"currencies\":" \
    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"code\"," \
    "\"minor_units\"]}}}}"

#define SCHEMA_RATE \
    "{\"type\":\"object\",\"required\":[\"from\",\"to\",\"rate\",\"effective_from\"]}"

#define SCHEMA_RATE_NEW \
    "{\"type\":\"object\",\"required\":[\"from\",\"to\",\"rate\"],\"additionalProperties\":" \
    "false,\"properties\":{\"from\":" CAT_S ",\"to\":" CAT_S ",\"rate\":" CAT_S \
    ",\"month\":{\"type\":\"string\",\"description\":\"YYYY-MM: from its 1st\"}," \
    "\"effective_from\":{\"type\":\"string\",\"format\":\"date\"}}}"

/* ---- billing: invoices, margin rules, reports (api/h_invoice.c, h_margin.c, h_report.c,
 * docs/billing.md) ---- */

#define BILL_S "{\"type\":\"string\"}"
#define BILL_SN "{\"type\":[\"string\",\"null\"]}"

#define SCHEMA_INVOICE \
    "{\"type\":\"object\",\"required\":[\"format\",\"id\",\"number\",\"kind\",\"status\"," \
    "\"issuer_id\",\"period\",\"currency\",\"subtotal\",\"tax\",\"total\"],\"properties\":{" \
    "\"id\":" BILL_S ",\"number\":" BILL_SN ",\"kind\":{\"enum\":[\"invoice\"," \
    "\"credit_note\"]},\"status\":{\"enum\":[\"draft\",\"finalized\",\"paid\",\"void\"]}," \
    "\"period\":" BILL_S ",\"currency\":" BILL_S ",\"subtotal\":" BILL_S ",\"tax\":" BILL_S \
    ",\"total\":" BILL_S ",\"lines\":{\"type\":\"array\"}}}"

#define SCHEMA_INVOICES \
    "{\"type\":\"object\",\"required\":[\"invoices\",\"more\"],\"properties\":{" \
    "\"invoices\":{\"type\":\"array\",\"items\":" SCHEMA_INVOICE "}," \
    "\"more\":{\"type\":\"boolean\"}}}"

#define SCHEMA_CLOSE \
    "{\"type\":\"object\",\"required\":[\"period\"],\"additionalProperties\":false," \
    "\"properties\":{\"period\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"}," \
    "\"draft\":{\"type\":\"boolean\"}}}"

#define SCHEMA_BILLING_DAYS \
    "{\"type\":\"object\",\"required\":[\"partner_id\",\"period_day\",\"close_day\"]," \
    "\"properties\":{\"partner_id\":" BILL_S ",\"period_day\":{\"type\":\"integer\"," \
    "\"minimum\":1,\"maximum\":28},\"close_day\":{\"type\":\"integer\",\"minimum\":1," \
    "\"maximum\":28}}}"

#define SCHEMA_BILLING_DAYS_PATCH \
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" \
    "\"period_day\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":28," \
    "\"description\":\"periods run from this day to the day before it next month\"}," \
    "\"close_day\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":28}}}"

#define SCHEMA_CLOSE_STATS \
    "{\"type\":\"object\",\"required\":[\"period\",\"issuers\",\"rated\",\"invoices\"]}"

#define BILL_RULE_PROPS \
    "\"properties\":{\"seller_id\":" BILL_S ",\"level\":{\"enum\":[\"subscription\"," \
    "\"customer\",\"reseller\",\"partner\"]},\"target_id\":" BILL_SN ",\"product_id\":" \
    BILL_SN ",\"sku\":" BILL_SN ",\"kind\":{\"enum\":[\"markup\",\"discount\",\"fixed\"]}," \
    "\"value\":{\"type\":[\"string\",\"integer\"]},\"currency\":" BILL_SN \
    ",\"effective_from\":{\"type\":\"string\",\"format\":\"date\"},\"effective_to\":" \
    "{\"type\":[\"string\",\"null\"],\"format\":\"date\"},\"allow_below_cost\":" \
    "{\"type\":\"boolean\"},\"note\":" BILL_S "}"

#define SCHEMA_RULE_NEW \
    "{\"type\":\"object\",\"required\":[\"kind\",\"value\"],\"additionalProperties\":false," \
    BILL_RULE_PROPS "}"

#define SCHEMA_RULE_PATCH "{\"type\":\"object\",\"additionalProperties\":false," BILL_RULE_PROPS "}"

#define SCHEMA_RULE \
    "{\"type\":\"object\",\"required\":[\"id\",\"seller_id\",\"level\",\"kind\",\"value\"," \
    "\"effective_from\",\"allow_below_cost\"]," BILL_RULE_PROPS "}"

#define SCHEMA_RULES \
    "{\"type\":\"object\",\"required\":[\"rules\",\"more\"],\"properties\":{\"rules\":" \
    "{\"type\":\"array\",\"items\":" SCHEMA_RULE "},\"more\":{\"type\":\"boolean\"}}}"

#define BILL_GROUP \
    "{\"type\":\"object\",\"required\":[\"currency\",\"revenue\",\"cost\",\"margin\"," \
    "\"margin_pct\",\"lines\"]}"

#define SCHEMA_MARGIN_REPORT \
    "{\"type\":\"object\",\"required\":[\"from\",\"to\",\"group_by\",\"groups\",\"totals\"]," \
    "\"properties\":{\"groups\":{\"type\":\"array\",\"items\":" BILL_GROUP "},\"totals\":" \
    "{\"type\":\"array\",\"items\":" BILL_GROUP "}}}"

#define SCHEMA_TTM \
    "{\"type\":\"object\",\"required\":[\"from\",\"as_of\",\"partners\"],\"properties\":{" \
    "\"partners\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":" \
    "[\"partner_id\",\"name\",\"ttm_revenue_usd\"]}}}}"

/* ---- subscriptions (api/h_sub*.c, docs/subscriptions.md) ---- */

#define SUB_S "{\"type\":\"string\"}"
#define SUB_TERM "{\"enum\":[\"P1M\",\"P1Y\",\"P3Y\"]}"
#define SUB_BILLING "{\"enum\":[\"monthly\",\"annual\",\"triennial\"]}"
#define SUB_QTY "{\"type\":\"integer\"}"

#define SCHEMA_ORDER \
    "{\"type\":\"object\",\"required\":[\"sku\",\"term\",\"billing\",\"quantity\"]," \
    "\"additionalProperties\":false,\"properties\":{\"sku\":" SUB_S ",\"term\":" SUB_TERM \
    ",\"billing\":" SUB_BILLING ",\"quantity\":" SUB_QTY ",\"auto_renew\":" \
    "{\"type\":\"boolean\"},\"name\":" SUB_S ",\"promotion\":{\"description\":" \
    "\"refused: not_supported\"},\"end_date\":{\"description\":\"refused: not_supported\"}}}"

#define SCHEMA_SUB \
    "{\"type\":\"object\",\"required\":[\"id\",\"customer_id\",\"sku\",\"status\"," \
    "\"quantity\",\"term\",\"billing\",\"auto_renew\",\"term_end_decision\",\"lots\"," \
    "\"refundable_quantity\"],\"properties\":{\"status\":{\"enum\":[\"active\"," \
    "\"suspended\",\"est\",\"cancelled\",\"expired\"]},\"lots\":{\"type\":\"array\"," \
    "\"items\":{\"type\":\"object\",\"required\":[\"quantity\",\"added_at\"," \
    "\"deadline\",\"open\"]}},\"refundable_quantity\":" SUB_QTY "}}"

#define SCHEMA_SUBS \
    "{\"type\":\"object\",\"required\":[\"subscriptions\",\"more\"],\"properties\":{" \
    "\"subscriptions\":{\"type\":\"array\",\"items\":" SCHEMA_SUB "}," \
    "\"more\":{\"type\":\"boolean\"}}}"

#define SCHEMA_SUB_PATCH \
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"quantity\":" \
    SUB_QTY ",\"auto_renew\":{\"type\":\"boolean\"}}}"

#define SCHEMA_UPGRADE \
    "{\"type\":\"object\",\"required\":[\"sku\"],\"additionalProperties\":false," \
    "\"properties\":{\"sku\":" SUB_S ",\"quantity\":" SUB_QTY ",\"name\":" SUB_S "}}"

#define SCHEMA_TERM_END \
    "{\"type\":\"object\",\"required\":[\"action\"],\"additionalProperties\":false," \
    "\"properties\":{\"action\":{\"enum\":[\"renew\",\"cancel\",\"est\"]},\"changes\":" \
    "{\"type\":[\"object\",\"null\"],\"additionalProperties\":false,\"properties\":{" \
    "\"sku\":" SUB_S ",\"term\":" SUB_TERM ",\"billing\":" SUB_BILLING ",\"quantity\":" \
    SUB_QTY "}}}}"

#define SCHEMA_SUB_EVENTS \
    "{\"type\":\"object\",\"required\":[\"subscription_id\",\"events\"],\"properties\":{" \
    "\"events\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":" \
    "[\"seq\",\"kind\",\"at\",\"data\"]}}}}"

#define SCHEMA_SUB_CHARGES \
    "{\"type\":\"object\",\"required\":[\"subscription_id\",\"charges\"],\"properties\":{" \
    "\"charges\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":" \
    "[\"charge_type\",\"start\",\"end\",\"quantity\",\"unit_price\",\"subtotal\"]}}}}"

/*
 * Rows end at response_type; the optional trailing flags (csv_upload) default to false, so
 * only the rows that set them spell them out.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct api_route routes[] = {
    {"GET", "/healthz", api_h_healthz, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, "getHealthz",
     "Liveness: the process is up and serving", NULL, SCHEMA_STATUS, NULL},
    {"GET", "/readyz", api_h_readyz, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, "getReadyz",
     "Readiness: 200 when the store answers, 503 when it does not", NULL, SCHEMA_STATUS, NULL},
    {"GET", "/metrics", api_h_metrics, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, "getMetrics",
     "Prometheus metrics: request counters and latency histograms per route", NULL, NULL,
     "text/plain; version=0.0.4"},
    {"GET", "/v1/openapi.json", api_h_openapi, API_ROLE_PUBLIC, 0, API_TENANCY_NONE,
     "getOpenApi", "This API's description (OpenAPI 3.1), generated from the route table",
     NULL, "{\"type\":\"object\"}", NULL},
    {"GET", "/v1/clock", api_h_clock_get, API_ROLE_READ, 0, API_TENANCY_NONE, "getClock",
     "The server's business clock: the instant every operation uses as now", NULL,
     SCHEMA_CLOCK, NULL},
    {"POST", "/v1/clock", api_h_clock_set, API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL,
     "setClock", "Move a fixed or offset business clock to a new instant (demos, tests)",
     SCHEMA_CLOCK_SET, SCHEMA_CLOCK, NULL},
    /* ---- authentication, users, tokens, audit ---- */
    {"POST", "/v1/sessions", api_h_session_create, API_ROLE_PUBLIC, 4096, API_TENANCY_NONE,
     "createSession", "Sign in: e-mail, password and TOTP; sets the session cookie",
     SCHEMA_LOGIN, SCHEMA_SESSION, NULL},
    {"DELETE", "/v1/sessions/current", api_h_session_delete, API_ROLE_SELF, 0,
     API_TENANCY_NONE, "deleteSession", "Sign out: end the session of the cookie", NULL, NULL,
     NULL},
    {"GET", "/v1/me", api_h_me_get, API_ROLE_SELF, 0, API_TENANCY_NONE, "getMe",
     "The caller: user or token, scope and role", NULL, SCHEMA_ME, NULL},
    {"POST", "/v1/me/password", api_h_me_password, API_ROLE_SELF, 4096, API_TENANCY_NONE,
     "changePassword", "Change one's password; other sessions end", SCHEMA_PASSWORD, NULL,
     NULL},
    {"POST", "/v1/me/totp", api_h_me_totp_begin, API_ROLE_SELF, 0, API_TENANCY_NONE,
     "beginTotp", "Start TOTP enrolment: a new secret and its otpauth:// URI, shown once",
     SCHEMA_EMPTY, SCHEMA_TOTP_URI, NULL},
    {"POST", "/v1/me/totp/verify", api_h_me_totp_confirm, API_ROLE_SELF, 0, API_TENANCY_NONE,
     "verifyTotp", "Finish TOTP enrolment with a code from the new secret", SCHEMA_TOTP_CODE,
     NULL, NULL},
    {"GET", "/v1/users", api_h_users_list, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED, "listUsers",
     "Users in the caller's scope", NULL, SCHEMA_USERS, NULL},
    {"POST", "/v1/users", api_h_users_create, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "createUser", "Create a user; its generated password (and TOTP URI) are shown once",
     SCHEMA_USER_NEW, SCHEMA_USER_CREATED, NULL},
    {"GET", "/v1/users/{id}", api_h_user_get, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED, "getUser",
     "One user", NULL, SCHEMA_USER, NULL},
    {"DELETE", "/v1/users/{id}", api_h_user_disable, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "disableUser", "Disable a user and end its sessions", NULL, SCHEMA_USER, NULL},
    {"POST", "/v1/users/{id}/totp", api_h_user_totp_reset, API_ROLE_ADMIN, 0,
     API_TENANCY_SCOPED, "resetUserTotp",
     "Give a user a new TOTP secret (lost phone); the URI is shown once", SCHEMA_EMPTY,
     SCHEMA_TOTP_URI, NULL},
    {"GET", "/v1/tokens", api_h_tokens_list, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "listTokens", "API tokens in the caller's scope (never their secrets)", NULL,
     SCHEMA_TOKENS, NULL},
    {"POST", "/v1/tokens", api_h_tokens_create, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "createToken", "Create an API token for a partner and role; the secret is shown once",
     SCHEMA_TOKEN_NEW, SCHEMA_TOKEN_CREATED, NULL},
    {"DELETE", "/v1/tokens/{id}", api_h_token_revoke, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "revokeToken", "Revoke an API token", NULL, SCHEMA_TOKEN, NULL},
    {"GET", "/v1/audit", api_h_audit_list, API_ROLE_STAFF, 0, API_TENANCY_SCOPED, "listAudit",
     "The audit log within the caller's scope, newest first (append-only)", NULL,
     SCHEMA_AUDIT, NULL},
    /* ---- reconciliation with Microsoft's invoice files (api/h_recon.c, docs/recon.md) ---- */
    {"POST", "/v1/recon/imports", api_h_recon_import, API_ROLE_OPERATOR, RECON_BODY_LIMIT,
     API_TENANCY_GLOBAL, "importRecon",
     "Import Microsoft's invoice reconciliation or daily usage file and match it",
     SCHEMA_RECON_UPLOAD, SCHEMA_RECON_IMPORT, NULL, true},
    {"GET", "/v1/recon/imports", api_h_recon_imports, API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL,
     "listRecon", "Reconciliation imports, newest first", NULL, NULL, NULL},
    {"GET", "/v1/recon/imports/{id}", api_h_recon_import_get, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "getRecon",
     "An import's summary with totals per invoice, reseller and customer", NULL,
     SCHEMA_RECON_IMPORT, NULL},
    {"GET", "/v1/recon/imports/{id}/lines", api_h_recon_lines, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "listReconLines",
     "An import's lines (?status=matched|amount_differs|only_microsoft|only_cspd|usage|"
     "differences, ?limit, ?offset)", NULL, NULL, NULL},
    {"GET", "/v1/recon/imports/{id}/differences.csv", api_h_recon_export, API_ROLE_OPERATOR,
     0, API_TENANCY_GLOBAL, "exportReconDifferences", "An import's differences as CSV", NULL,
     NULL, "text/csv"},
    {"GET", "/v1/recon/imports/{id}/differences.xlsx", api_h_recon_export_xlsx,
     API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL, "exportReconDifferencesXlsx",
     "An import's differences as an Excel workbook", NULL, NULL, API_XLSX_TYPE},
    {"POST", "/v1/recon/imports/{id}/lines/{seq}/resolution", api_h_recon_resolve,
     API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL, "resolveReconLine",
     "Accept Microsoft's line, explain it or flag it for follow-up (audited)",
     SCHEMA_RECON_RESOLVE, NULL, NULL},
    {"POST", "/v1/recon/subscription-map", api_h_recon_map, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "mapReconSubscription",
     "Map Microsoft's SubscriptionId to a cspd subscription", SCHEMA_RECON_MAP, NULL, NULL},
    /* ---- parties: partners, relationships, customers (api/h_party_*.c, docs/parties.md) */
    {"POST", "/v1/partners", api_h_partners_create, API_ROLE_OPERATOR, 0, API_TENANCY_SCOPED,
     "createPartner", "Add a partner (distributor, indirect reseller or direct-bill partner)",
     SCHEMA_PARTNER_NEW, SCHEMA_PARTNER, NULL},
    {"GET", "/v1/partners", api_h_partners_list, API_ROLE_STAFF, 0, API_TENANCY_SCOPED,
     "listPartners", "Partners in the caller's scope (?kind, ?limit)", NULL, SCHEMA_PARTNERS,
     NULL},
    {"GET", "/v1/partners/{id}", api_h_partner_get, API_ROLE_STAFF, 0, API_TENANCY_SCOPED,
     "getPartner", "A partner with its MPA, facts and admin users' MFA", NULL, SCHEMA_PARTNER,
     NULL},
    {"PATCH", "/v1/partners/{id}", api_h_partner_update, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "updatePartner", "Change a partner's record; only the fields given (audited)",
     SCHEMA_PARTNER_PATCH, SCHEMA_PARTNER, NULL},
    {"POST", "/v1/partners/{id}/mpa", api_h_partner_mpa, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "acceptPartnerMpa", "Record the partner's acceptance of the Microsoft Partner Agreement",
     SCHEMA_MPA, SCHEMA_PARTNER, NULL},
    {"GET", "/v1/partners/{id}/compliance", api_h_partner_compliance, API_ROLE_STAFF, 0,
     API_TENANCY_SCOPED, "getPartnerCompliance",
     "FY26 authorization requirements: met / not met / unknown, reassessment, remediation",
     NULL, SCHEMA_COMPLIANCE, NULL},
    {"POST", "/v1/relationships", api_h_relationships_create, API_ROLE_ADMIN, 0,
     API_TENANCY_SCOPED, "createRelationship",
     "Establish a distributor - indirect reseller relationship (same region, MPA accepted)",
     SCHEMA_REL_NEW, SCHEMA_REL, NULL},
    {"GET", "/v1/relationships", api_h_relationships_list, API_ROLE_STAFF, 0,
     API_TENANCY_SCOPED, "listRelationships",
     "Relationships in the caller's scope (?partner_id, ?active, ?limit)", NULL, SCHEMA_RELS,
     NULL},
    {"POST", "/v1/relationships/{id}/end", api_h_relationship_end, API_ROLE_ADMIN, 0,
     API_TENANCY_SCOPED, "endRelationship", "End a relationship (kept as history)",
     SCHEMA_EMPTY, SCHEMA_REL, NULL},
    {"POST", "/v1/customers", api_h_customers_create, API_ROLE_SALES, 0, API_TENANCY_SCOPED,
     "createCustomer", "Add a customer to a direct-bill partner's or a reseller's book",
     SCHEMA_CUSTOMER_NEW, SCHEMA_CUSTOMER, NULL},
    {"GET", "/v1/customers", api_h_customers_list, API_ROLE_READ, 0, API_TENANCY_SCOPED,
     "listCustomers", "Customers in the caller's scope (?partner_id, ?limit)", NULL,
     SCHEMA_CUSTOMERS, NULL},
    {"GET", "/v1/customers/{id}", api_h_customer_get, API_ROLE_READ, 0, API_TENANCY_SCOPED,
     "getCustomer", "A customer with its MCA status", NULL, SCHEMA_CUSTOMER, NULL},
    {"PATCH", "/v1/customers/{id}", api_h_customer_update, API_ROLE_WRITE, 0,
     API_TENANCY_SCOPED, "updateCustomer", "Change a customer; only the fields given (audited)",
     SCHEMA_CUSTOMER_PATCH, SCHEMA_CUSTOMER, NULL},
    {"POST", "/v1/customers/{id}/mca", api_h_customer_mca, API_ROLE_SALES, 0,
     API_TENANCY_SCOPED, "recordCustomerMca",
     "Record the customer's MCA acceptance, directly or attested by its partner",
     SCHEMA_MCA, SCHEMA_CUSTOMER, NULL},
    /* ---- catalog and price lists (api/h_catalog*.c, docs/catalog.md) ---- */
    {"POST", "/v1/pricelists", api_h_pricelists_import, API_ROLE_OPERATOR,
     PRICELIST_BODY_LIMIT, API_TENANCY_GLOBAL, "importPricelist",
     "Import Microsoft's NCE license-based price list (201 counts; 200 already imported)",
     SCHEMA_PRICELIST_UPLOAD, SCHEMA_PRICELIST_IMPORT, NULL, true},
    {"GET", "/v1/pricelists/changes", api_h_pricelists_changes, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listPriceChanges",
     "Price changes between the prices in effect on two days (?from, ?to, ?format=json|csv|"
     "xlsx)", NULL, SCHEMA_PRICE_CHANGES, NULL},
    {"GET", "/v1/catalog/products", api_h_catalog_products, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listProducts", "Products and their SKUs (?query, ?market, ?limit)",
     NULL, SCHEMA_PRODUCTS, NULL},
    {"GET", "/v1/catalog/skus/{id}/prices", api_h_catalog_sku_prices, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listSkuPrices",
     "A SKU's price points (?market, ?currency, ?at: in effect that day)", NULL,
     SCHEMA_SKU_PRICES, NULL},
    {"GET", "/v1/catalog/skus/{id}/price", api_h_catalog_sku_price, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "getSkuPrice",
     "The one price of a plan on a day (?term, ?billing, ?market, ?currency, ?at, ?segment), "
     "or why there is none", NULL, SCHEMA_SKU_PRICE, NULL},
    {"GET", "/v1/catalog/upgrade-paths", api_h_catalog_paths_list, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listUpgradePaths", "Upgrade paths: from SKU to allowed targets (?sku)",
     NULL, NULL, NULL},
    {"PUT", "/v1/catalog/upgrade-paths/{id}", api_h_catalog_paths_put, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "putUpgradePaths", "Set a SKU's allowed upgrade targets",
     SCHEMA_PATHS_PUT, NULL, NULL},
    {"DELETE", "/v1/catalog/upgrade-paths/{id}", api_h_catalog_paths_delete,
     API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL, "deleteUpgradePaths",
     "Remove a SKU's upgrade paths", NULL, NULL, NULL},
    {"GET", "/v1/catalog/prerequisites", api_h_catalog_prereqs_list, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listPrerequisites",
     "Base-licence prerequisites: SKU to the SKUs or product families it needs (?sku)", NULL,
     NULL, NULL},
    {"PUT", "/v1/catalog/prerequisites/{id}", api_h_catalog_prereqs_put, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "putPrerequisites", "Set a SKU's base-licence prerequisites",
     SCHEMA_PREREQS_PUT, NULL, NULL},
    {"DELETE", "/v1/catalog/prerequisites/{id}", api_h_catalog_prereqs_delete,
     API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL, "deletePrerequisites",
     "Remove a SKU's prerequisites", NULL, NULL, NULL},
    {"GET", "/v1/catalog/est-rules", api_h_catalog_est_list, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listEstRules",
     "EST eligibility and uplift per product family, and the default", NULL, NULL, NULL},
    {"PUT", "/v1/catalog/est-rules/{id}", api_h_catalog_est_put, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "putEstRule", "Set a product family's EST eligibility and uplifts",
     SCHEMA_EST_PUT, NULL, NULL},
    {"DELETE", "/v1/catalog/est-rules/{id}", api_h_catalog_est_delete, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "deleteEstRule", "Return a product family to the EST default", NULL,
     NULL, NULL},
    {"GET", "/v1/catalog/seat-limits", api_h_catalog_seats_list, API_ROLE_STAFF, 0,
     API_TENANCY_NONE, "listSeatLimits", "Seat minimum and maximum per SKU", NULL, NULL, NULL},
    {"PUT", "/v1/catalog/seat-limits/{id}", api_h_catalog_seats_put, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "putSeatLimits", "Set a SKU's seat minimum and maximum",
     SCHEMA_SEATS_PUT, NULL, NULL},
    {"DELETE", "/v1/catalog/seat-limits/{id}", api_h_catalog_seats_delete, API_ROLE_OPERATOR,
     0, API_TENANCY_GLOBAL, "deleteSeatLimits", "Remove a SKU's seat limits", NULL, NULL,
     NULL},
    {"GET", "/v1/currencies", api_h_currencies, API_ROLE_READ, 0, API_TENANCY_NONE,
     "listCurrencies", "ISO 4217 currencies cspd knows, with their minor units", NULL,
     SCHEMA_CURRENCIES, NULL},
    {"GET", "/v1/exchange-rates", api_h_rates_list, API_ROLE_STAFF, 0, API_TENANCY_NONE,
     "listExchangeRates", "Exchange rates pricing -> billing currency by day (?from, ?to)",
     NULL, NULL, NULL},
    {"POST", "/v1/exchange-rates", api_h_rates_create, API_ROLE_OPERATOR, 0,
     API_TENANCY_GLOBAL, "createExchangeRate",
     "Set a rate from a month's 1st (as Partner Center fixes them) or a day", SCHEMA_RATE_NEW,
     SCHEMA_RATE, NULL},
    /* ---- billing: invoices, margin rules, reports (api/h_invoice.c, h_margin.c,
     * h_report.c, docs/billing.md) ---- */
    {"GET", "/v1/invoices", api_h_invoices_list, API_ROLE_READ, 0, API_TENANCY_SCOPED,
     "listInvoices", "Invoices in the caller's scope (?period=YYYY-MM, ?status, ?customer_id)",
     NULL, SCHEMA_INVOICES, NULL},
    {"POST", "/v1/invoices/close", api_h_invoices_close, API_ROLE_BILLING, 4096,
     API_TENANCY_SCOPED, "closeInvoices",
     "Close a billing period for the caller's issuers: rate, invoice, number (idempotent)",
     SCHEMA_CLOSE, SCHEMA_CLOSE_STATS, NULL},
    {"GET", "/v1/invoices/export", api_h_invoices_export, API_ROLE_STAFF, 0,
     API_TENANCY_SCOPED, "exportInvoicePeriod",
     "A period's invoices in the caller's scope for accounting, as `cspd invoice export`: "
     "?period=YYYY-MM, ?format=csv|xlsx|gl, ?table=invoices|lines|margins_customer|"
     "margins_reseller|margins_product (csv); XLSX is " API_XLSX_TYPE, NULL, NULL, "text/csv"},
    {"GET", "/v1/invoices/{id}", api_h_invoice_get, API_ROLE_READ, 0, API_TENANCY_SCOPED,
     "getInvoice", "An invoice by id or number (?format=json|csv|pdf)", NULL, SCHEMA_INVOICE,
     NULL},
    {"POST", "/v1/invoices/{id}/pay", api_h_invoice_pay, API_ROLE_BILLING, 1024,
     API_TENANCY_SCOPED, "payInvoice", "Mark a finalized invoice paid (audited)", SCHEMA_EMPTY,
     SCHEMA_INVOICE, NULL},
    {"POST", "/v1/invoices/{id}/void", api_h_invoice_void, API_ROLE_BILLING, 1024,
     API_TENANCY_SCOPED, "voidInvoice", "Void a finalized invoice (audited)", SCHEMA_EMPTY,
     SCHEMA_INVOICE, NULL},
    {"POST", "/v1/invoices/{id}/credit", api_h_invoice_credit, API_ROLE_BILLING, 1024,
     API_TENANCY_SCOPED, "creditInvoice",
     "Issue the credit note cancelling a finalized or paid invoice", SCHEMA_EMPTY,
     SCHEMA_INVOICE, NULL},
    {"GET", "/v1/partners/{id}/billing-settings", api_h_billing_settings_get, API_ROLE_STAFF,
     0, API_TENANCY_SCOPED, "getBillingSettings",
     "An issuer's billing period day and close day", NULL, SCHEMA_BILLING_DAYS, NULL},
    {"PATCH", "/v1/partners/{id}/billing-settings", api_h_billing_settings_update,
     API_ROLE_BILLING, 1024, API_TENANCY_SCOPED, "updateBillingSettings",
     "Set the billing period day (not once the issuer has billed: 409) and close day (audited)",
     SCHEMA_BILLING_DAYS_PATCH, SCHEMA_BILLING_DAYS, NULL},
    {"GET", "/v1/margin-rules", api_h_margin_rules_list, API_ROLE_STAFF, 0, API_TENANCY_SCOPED,
     "listMarginRules", "Margin rules of the sellers in the caller's scope (?seller_id)", NULL,
     SCHEMA_RULES, NULL},
    {"POST", "/v1/margin-rules", api_h_margin_rules_create, API_ROLE_BILLING, 8192,
     API_TENANCY_SCOPED, "createMarginRule",
     "Add a margin rule; below cost only with allow_below_cost (then alert.below_cost)",
     SCHEMA_RULE_NEW, SCHEMA_RULE, NULL},
    {"GET", "/v1/margin-rules/{id}", api_h_margin_rule_get, API_ROLE_STAFF, 0,
     API_TENANCY_SCOPED, "getMarginRule", "A margin rule", NULL, SCHEMA_RULE, NULL},
    {"PATCH", "/v1/margin-rules/{id}", api_h_margin_rule_update, API_ROLE_BILLING, 8192,
     API_TENANCY_SCOPED, "updateMarginRule",
     "Change a rule; one that priced billed lines can only be ended (effective_to)",
     SCHEMA_RULE_PATCH, SCHEMA_RULE, NULL},
    {"DELETE", "/v1/margin-rules/{id}", api_h_margin_rule_delete, API_ROLE_BILLING, 0,
     API_TENANCY_SCOPED, "deleteMarginRule", "Delete a rule that never priced a billed line",
     NULL, NULL, NULL},
    {"GET", "/v1/reports/margins", api_h_report_margins, API_ROLE_STAFF, 0, API_TENANCY_SCOPED,
     "reportMargins", "Revenue, cost and margin (?from, ?to, ?group_by=month|customer|"
     "reseller|product_family, ?partner_id)", NULL, SCHEMA_MARGIN_REPORT, NULL},
    {"GET", "/v1/reports/ttm-revenue", api_h_report_ttm, API_ROLE_STAFF, 0, API_TENANCY_SCOPED,
     "reportTtmRevenue", "Trailing-twelve-month revenue in USD per partner (?partner_id, "
     "?as_of)", NULL, SCHEMA_TTM, NULL},
    /* ---- subscriptions: orders, commands, state, events, charges (api/h_sub*.c,
     * docs/subscriptions.md) ---- */
    {"POST", "/v1/customers/{id}/orders", api_h_customer_order, API_ROLE_SALES, 8192,
     API_TENANCY_SCOPED, "createOrder",
     "Order a subscription (program rules, catalog, NCE rules; Idempotency-Key)", SCHEMA_ORDER,
     SCHEMA_SUB, NULL},
    {"GET", "/v1/customers/{id}/subscriptions", api_h_customer_subs_list, API_ROLE_READ, 0,
     API_TENANCY_SCOPED, "listCustomerSubscriptions",
     "A customer's subscriptions (?limit, ?after)", NULL, SCHEMA_SUBS, NULL},
    {"GET", "/v1/subscriptions/{id}", api_h_sub_get, API_ROLE_READ, 0, API_TENANCY_SCOPED,
     "getSubscription",
     "A subscription: state, seat lots and windows, term-end decision, refundable seats", NULL,
     SCHEMA_SUB, NULL},
    {"PATCH", "/v1/subscriptions/{id}", api_h_sub_update, API_ROLE_SALES, 4096,
     API_TENANCY_SCOPED, "updateSubscription",
     "Change the seat count and/or auto-renew (NCE rules: 168-hour windows)",
     SCHEMA_SUB_PATCH, SCHEMA_SUB, NULL},
    {"POST", "/v1/subscriptions/{id}/upgrade", api_h_sub_upgrade, API_ROLE_SALES, 4096,
     API_TENANCY_SCOPED, "upgradeSubscription",
     "Upgrade along a listed path: all seats (200) or some, into a new subscription (201)",
     SCHEMA_UPGRADE, SCHEMA_SUB, NULL},
    {"POST", "/v1/subscriptions/{id}/cancel", api_h_sub_cancel, API_ROLE_SALES, 1024,
     API_TENANCY_SCOPED, "cancelSubscription",
     "Cancel inside the purchase or renewal window (or in EST) with a prorated refund",
     SCHEMA_EMPTY, SCHEMA_SUB, NULL},
    {"POST", "/v1/subscriptions/{id}/suspend", api_h_sub_suspend, API_ROLE_SALES, 1024,
     API_TENANCY_SCOPED, "suspendSubscription", "Suspend (still billed; auto-renew off)",
     SCHEMA_EMPTY, SCHEMA_SUB, NULL},
    {"POST", "/v1/subscriptions/{id}/reactivate", api_h_sub_reactivate, API_ROLE_SALES, 1024,
     API_TENANCY_SCOPED, "reactivateSubscription", "Reactivate a suspended subscription",
     SCHEMA_EMPTY, SCHEMA_SUB, NULL},
    {"PUT", "/v1/subscriptions/{id}/term-end", api_h_sub_term_end, API_ROLE_SALES, 4096,
     API_TENANCY_SCOPED, "setTermEndDecision",
     "The term-end decision: renew (as is or with changes), cancel at term end, or EST",
     SCHEMA_TERM_END, SCHEMA_SUB, NULL},
    {"GET", "/v1/subscriptions/{id}/events", api_h_sub_events, API_ROLE_STAFF, 0,
     API_TENANCY_SCOPED, "listSubscriptionEvents", "The subscription's event log, in order",
     NULL, SCHEMA_SUB_EVENTS, NULL},
    {"GET", "/v1/subscriptions/{id}/charges", api_h_sub_charges, API_ROLE_STAFF, 0,
     API_TENANCY_SCOPED, "listSubscriptionCharges",
     "Microsoft's charge lines for the subscription, as its reconciliation file shows them",
     NULL, SCHEMA_SUB_CHARGES, NULL},
    {NULL, NULL, NULL, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, NULL, NULL, NULL, NULL, NULL},
};
#pragma GCC diagnostic pop

const struct api_route *api_routes(void)
{
    return routes;
}

size_t api_route_count(void)
{
    return sizeof(routes) / sizeof(routes[0]) - 1;
}

const char *api_role_name(enum api_role r)
{
    switch (r) {
    case API_ROLE_PUBLIC: return "public";
    case API_ROLE_SELF: return "self";
    case API_ROLE_READ: return "read";
    case API_ROLE_STAFF: return "staff";
    case API_ROLE_WRITE: return "write";
    case API_ROLE_SALES: return "sales";
    case API_ROLE_BILLING: return "billing";
    case API_ROLE_ADMIN: return "admin";
    case API_ROLE_OPERATOR: return "operator";
    }
    return "operator";
}

bool api_role_allows(enum api_role r, enum scope_kind kind, enum user_role role)
{
    bool staff = kind == SCOPE_INSTALLATION || kind == SCOPE_PARTNER;
    bool top;

    if (role == ROLE_OPERATOR)
        role = kind == SCOPE_INSTALLATION ? ROLE_OWNER : ROLE_READ_ONLY;
    if (kind == SCOPE_CUSTOMER)
        role = ROLE_PORTAL;
    else if (role == ROLE_PORTAL)
        role = ROLE_READ_ONLY; /* a staff scope never carries the portal role */
    top = role == ROLE_OWNER || role == ROLE_ADMIN;
    switch (r) {
    case API_ROLE_PUBLIC:
    case API_ROLE_SELF:
    case API_ROLE_READ: return true;
    case API_ROLE_STAFF: return staff;
    case API_ROLE_WRITE: return staff && (top || role == ROLE_BILLING || role == ROLE_SALES);
    case API_ROLE_SALES: return staff && (top || role == ROLE_SALES);
    case API_ROLE_BILLING: return staff && (top || role == ROLE_BILLING);
    case API_ROLE_ADMIN: return staff && top;
    case API_ROLE_OPERATOR: return kind == SCOPE_INSTALLATION && top;
    }
    return false;
}

const char *api_tenancy_name(enum api_tenancy t)
{
    switch (t) {
    case API_TENANCY_NONE: return "none";
    case API_TENANCY_SCOPED: return "scoped";
    case API_TENANCY_GLOBAL: return "global";
    }
    return "global";
}

bool api_method_has_body(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0;
}
