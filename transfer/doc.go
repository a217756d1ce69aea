// Package transfer reads CRM and spreadsheet exports into salesbot's terms:
// column maps, presets for the CRMs teams come from, and the parsers for
// the dates, amounts and report furniture those files carry. It is pure:
// it imports only sales and the standard library, does no I/O beyond the
// reader it is given, and leaves storage and people to its callers.
//
// # Reading a file
//
//	tab, err := transfer.ReadCSV(r)            // BOM, CRLF, blank rows, report furniture
//	deals, err := transfer.ReadDeals(tab, transfer.Options{Stages: team})
//	// deals.Preset, deals.Columns, deals.Unused, deals.Stages and
//	// deals.DateOrders are what a dry run prints; deals.Problems are the
//	// cells that could not be read, each with line and column; with none,
//	// deals.Records are ready to store (Key is sales.Deal.ExternalID).
//
// The preset is detected from the header (Detect) unless one is given
// (Lookup, for --preset); List is for --list-presets.
//
// # Spreadsheet files and report furniture
//
// ReadCSV first makes the bytes UTF-8 CSV (Normalize): Excel's "Unicode
// Text" is UTF-16 and tab-separated, its "CSV" on Windows Windows-1252,
// and in locales whose decimal mark is a comma it separates with ";" and
// may start with a "sep=;" line; line numbers stay those of the file. It
// drops empty cells past the header, blank lines, one-cell title and
// filter lines before the header (Table.Preamble), a report's footer
// (Table.Footer) and the group and subtotal rows of a grouped report
// ("Opportunity Owner: Anna Snelling (3 records)", "Subtotal", "Total";
// Table.Subtotals), whose grouping columns, written on each group's first
// row only, are filled down (Table.FilledDown). Amounts are read with the
// decimal mark the file's own amounts show (AmountsDecimalComma).
//
// # Won, lost and stages
//
// A row is won or lost by, in order: a Status column (open/won/lost), the
// is-won and is-closed flags, the stage label by the CRM's convention
// ("Closed Won", "Closed Lost", "Won", "Lost", "Closed-Lost to ..."), and a
// probability of 100% or 0% on a deal not marked open. Open labels keep the
// team's stage of the same name; otherwise they go to the open stage with
// the nearest probability (the file's, else the CRM's default for the
// label), else by their place in the pipeline (MapStages).
//
// # Dates and amounts
//
// ParseDate reads any unambiguous form; numeric a/b/yyyy dates take their
// order from any value with a part over 12 in any of the file's date
// columns (one export, one locale; DateOrderOf), and otherwise stop with
// both readings and a --date-format layout that reads unpadded
// values (1/2/2006). Dates are civil (Date), never instants. 0001-01-01 is
// an error, not "no date". ParseAmount reads "$12,000.00", "12.000,50 €",
// "USD 1,200", "(1,200)" and "1 200"; an empty cell is no amount, not 0.
//
// # Re-importing
//
// StableKey documents the key that makes a second import of the same file
// "0 new": the file's id column when it has one, else a hash of account,
// title, created date and owner.
//
// # Presets
//
// hubspot — CRM > Deals > Export. Headers are property labels: "Record ID",
// "Deal Name", "Pipeline", "Deal Stage", "Amount", "Close Date", "Create
// Date", "Deal owner" (a name), optionally "Associated Company", "Is Closed
// Won", "Deal probability" (a 0..1 fraction). Dates "2006-01-02 15:04" or
// "01/02/2006 15:04". A multi-currency portal exports "Amount" in each
// deal's "Currency" beside "Amount in company currency"; the latter is read
// (Preset.HomeAmount), as salesbot counts in one currency. With several
// pipelines a label they share may carry the pipeline, "Closed won
// (Renewals)", and newer portals write labels in sentence case. The default pipeline is Appointment Scheduled 20%,
// Qualified To Buy 40%, Presentation Scheduled 60%, Decision Maker
// Bought-In 80%, Contract Sent 90%, Closed Won 100%, Closed Lost 0%.
// salesbot exports to HubSpot (HubSpotStages), so these default labels
// read back to the team's stages they are written from (PipelineLabels),
// not by probability. HubSpot's importer takes a "Deal Stage" only when it
// is a stage (label or internal id) of the row's Pipeline, and requires
// Deal Name, Pipeline and Deal Stage (knowledge.hubspot.com, "Set up your
// import files").
// Files written with internal property names (dealname, dealstage,
// closedate, hubspot_owner_id, hs_is_closed_won) are recognised too, their
// internal stage ids (appointmentscheduled, closedwon, ...) read as the
// labels above.
// Sources: https://www.skills.sh/pfoy/growth-skills/hubspot-deal-stages,
// https://developers.hubspot.com/docs/methods/pipelines/pipelines_overview,
// https://hub.steampipe.io/plugins/turbot/hubspot/tables/hubspot_deal.
//
// salesforce — an opportunity report exported "Details Only" as CSV.
// Headers are field labels: "Opportunity Owner", "Account Name",
// "Opportunity Name", "Stage", "Amount", "Opportunity Currency",
// "Probability (%)", "Close Date", "Created Date", "Won", "Closed" (1/0).
// Every value is quoted, rows end in LF, dates follow the user's locale
// (3/1/2017 en_US, 1/3/2017 en_GB, 2017-03-01), and the data is followed by
// a footer: a blank line, "Grand Totals (N records)", the org name,
// "Copyright (c) 2000-2017 salesforce.com, inc. All rights reserved.",
// "Confidential Information - Do Not Distribute", "Generated By: ...".
// Default stages Prospecting 10% ... Negotiation/Review 90%, Closed Won,
// Closed Lost. An Opportunity.csv written with API names (Data Loader, the
// weekly data export: Id, AccountId, Name, StageName, Amount, CloseDate,
// IsClosed, IsWon, OwnerId, CreatedDate, CurrencyIsoCode) is recognised by
// StageName and CloseDate; IsWon and IsClosed decide won and lost. Owners
// are then user ids. Sources: the Opportunity and OpportunityStage field
// references on developer.salesforce.com
// (salesforce_field_reference_Opportunity.htm,
// salesforce-field-reference-opportunitystage.html) and
// http://frombelvideres4thfloor.blogspot.com/2010/08/salesforce-csv-format-for-report.html.
//
// pipedrive — deals export, every header prefixed "Deal - ": "Deal -
// Title", "Deal - Value", "Deal - Currency", "Deal - Organization", "Deal -
// Status" (open/won/lost), "Deal - Stage", "Deal - Owner" (name or email),
// "Deal - Expected close date", "Deal - Deal created", "Deal - Won time",
// "Deal - Lost time"; some exports say "Deal - Currency of value" and
// "Deal - Creation date", and mark required columns with a trailing "*".
// Files without the "Deal - " prefix (Title, Value, Status, ...) read the
// same.
// Won and lost are statuses: the stage is the one the deal reached; a
// "deleted" deal is skipped (Deals.Deleted). A missing value is written 0. Sources: the deal status enum of the
// Pipedrive API (open, won, lost) and public importers of these files found
// with the code search; default stages per
// https://prismatic.io/docs/example-payloads/pipedrive/actions/getStages.json.
//
// zoho — Deals > Export. "Deal Owner", "Deal Name", "Account Name",
// "Stage", "Amount", "Closing Date", "Created Time", "Probability (%)",
// often "Record Id". Exports in API names (Deal_Name, Closing_Date, Owner,
// Account_Name, Created_Time "2017-03-01T10:00:00+05:30") read the same,
// as header matching ignores "_". Stages Qualification 10%, Needs Analysis 20%, Value
// Proposition 40%, Identify Decision Makers 60%, Proposal/Price Quote 75%,
// Negotiation/Review 90%, Closed Won, Closed Lost, Closed-Lost to
// Competition. Sources: https://zoho.com/fr/crm/help/opportunities/standard-fields.html,
// https://docs.workato.com/en/connectors/zoho-crm/actions/update-deal.html.
//
// maven — Maven Analytics' CRM Sales Opportunities sample:
// sales_pipeline.csv with opportunity_id, sales_agent, product, account,
// deal_stage (Prospecting, Engaging, Won, Lost), engage_date, close_date
// (the actual close, empty while open), close_value (empty while open, 0
// when lost); a row with no account (the published file has them) is
// named "(no account) <opportunity_id>"; its sales_teams.csv (sales_agent,
// manager, regional_office) is a team file, not read here.
package transfer
