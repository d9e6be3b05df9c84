-- store/migrations/003_parties.sql — what the parties half of the program model needs beyond
-- schema v1: the facts the program rules and the FY26 authorization checks read
-- (domain/program/program.h), an id for relationships, and the attestation details of an MCA.
--
-- Written by store/repo_party*.c only. Added columns are nullable or defaulted, so rows written
-- before this migration stay valid. NULL in a "fact" column means "not recorded" (the
-- authorization check reports it as unknown, never guesses).
--
-- partners: the domain's pla_id (PartnerID of the location account) is stored in `pla_id`;
-- `pga_id` is the PartnerID of the global account (the company, used by the self-sale rule).
-- Schema v1's `partner_id` column is not written by cspd (superseded by these two).
-- support_plan holds 'none', 'other' (a plan below Advanced), 'asfp' or 'psfp'; NULL unknown.
-- security_contact: NULL not recorded, '' recorded as none, else the e-mail address.
ALTER TABLE partners ADD COLUMN pga_id TEXT;
ALTER TABLE partners ADD COLUMN csp_tenant_id TEXT;            -- the transacting tenant (GUID)
ALTER TABLE partners ADD COLUMN csp_tenant_active INTEGER NOT NULL DEFAULT 0;
ALTER TABLE partners ADD COLUMN alert_response_minutes INTEGER; -- average, security alerts
ALTER TABLE partners ADD COLUMN reseller_months INTEGER;       -- months as indirect reseller
ALTER TABLE partners ADD COLUMN business_email INTEGER;        -- 1 yes, 0 no, NULL unknown
ALTER TABLE partners ADD COLUMN updated_at BIGINT;

-- relationships: an id for the API (/v1/relationships/{id}/end); 'rel_...'. Unique where set.
ALTER TABLE relationships ADD COLUMN id TEXT;
CREATE UNIQUE INDEX relationships_by_id ON relationships (id);

-- customers: the signer of an attested MCA by name parts and phone (program.md §2; the v1
-- column mca_signer_name keeps "First Last" for display), the self-sale facts (§5), contacts
-- as a JSON array of {"name","email","phone","role"}.
ALTER TABLE customers ADD COLUMN mca_signer_first_name TEXT;
ALTER TABLE customers ADD COLUMN mca_signer_last_name TEXT;
ALTER TABLE customers ADD COLUMN mca_signer_phone TEXT;
ALTER TABLE customers ADD COLUMN affiliated_pga_id TEXT;
ALTER TABLE customers ADD COLUMN csp_transacting_tenant INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN contacts TEXT;
ALTER TABLE customers ADD COLUMN updated_at BIGINT;
CREATE INDEX customers_by_tenant ON customers (tenant_id);
