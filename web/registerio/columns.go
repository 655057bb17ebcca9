package registerio

// Columns explains the import template, one entry per column in the order
// the template and the export write them (docs/register-import.md has the
// full rules).
var Columns = []Column{
	{"agreement_ref", "Yes", "Any text that groups rows into one agreement, for example P1 (the export writes A and the agreement's number)."},
	{"title", "Yes", "The agreement's title."},
	{"party", "Yes", "Name or alias of a party in the register, or of one a row above creates."},
	{"party_kind", "To create a party", "cloud_provider, model_developer, reseller, investor or other. Filled in for a party not in the register, the import creates it; for one that is, it must be the party's kind."},
	{"party_aliases", "No", "The new party's other names, separated by semicolons."},
	{"party_parent", "No", "Name or alias of the new party's parent company: in the register, or created by a row above."},
	{"party_website", "No", "The new party's web address."},
	{"party_notes", "No", "Free text about the new party."},
	{"agreement_kind", "Yes", "partnership, investment, cloud_services, licence, mou or other."},
	{"binding", "Yes", "yes or no."},
	{"status", "Yes", "draft, active, expired or terminated. An active agreement cannot have an expiry date in the past."},
	{"signed_on", "No", "Date the agreement was signed."},
	{"effective_on", "No", "Date it takes effect."},
	{"expires_on", "No", "Date it expires: on or after the effective date."},
	{"value", "No", "Amount in major units, for example 11000000000 or 1250.50."},
	{"currency", "With a value", "ISO 4217 code in capitals, for example USD."},
	{"owner_email", "No", "Email of the Dealgate user who owns the agreement."},
	{"summary", "No", "Free text; quote cells that contain commas or line breaks."},
	{"notes", "No", "Free text."},
	{"clause_kind", "For a clause", "exclusivity, right_of_first_refusal, right_of_first_negotiation, preferred_provider, non_compete, most_favoured_nation, notice_required or consent_required. Blank: the row adds no clause."},
	{"section", "No", "Section reference, for example 4.2."},
	{"beneficiary", "No", "Party the clause benefits; blank means the agreement's party."},
	{"categories", "For a clause", "Keys or exact names of categories in the current published taxonomy, separated by semicolons."},
	{"excluded_categories", "No", "Categories the clause explicitly excludes, in the same form."},
	{"restricts", "No", "named, any, or a party kind such as cloud_provider. Blank: named when restricted_parties is filled in, else any."},
	{"restricted_parties", "With named", "Party names or aliases, separated by semicolons."},
	{"exceptions", "No", "Parties excepted from a kind or from any, separated by semicolons."},
	{"territory", "No", "worldwide (or blank), or region codes separated by semicolons, for example EU;UK."},
	{"valid_from", "No", "The clause's own start date; blank inherits the agreement's. Must lie within the agreement's dates."},
	{"valid_until", "No", "The clause's own end date; blank inherits the agreement's."},
	{"notice_days", "For notice_required", "Whole days, 0 to 3,650."},
	{"clause_text", "For a clause", "The clause as written in the agreement."},
}
