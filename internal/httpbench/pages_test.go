package httpbench_test

// pages are the pages the load benchmark measures, one line each. role is
// who is signed in ("" for nobody). A path may name a record by a
// placeholder in braces; records (below) says which row fills it.
//
// To measure a new page, add a line here (and, if its path names a new kind
// of record, a line to records).
var pages = []page{
	{name: "sign-in (anonymous)", path: "/sign-in", role: ""},
	{name: "home", path: "/", role: "counsel"},
	{name: "account", path: "/account", role: "counsel"},
	{name: "agreements, filtered and sorted", path: "/agreements?status=active&kind=cloud_services&sort=expires_on", role: "counsel"},
	{name: "agreements, search", path: "/agreements?q=exclusive+hosting", role: "counsel"},
	{name: "parties", path: "/parties", role: "counsel"},
	{name: "agreement page", path: "/agreements/{agreement}", role: "counsel"},
	{name: "audit list", path: "/audit", role: "auditor"},
	{name: "my deals, filtered and sorted", path: "/deals?status=submitted&sort=negotiation", role: "counsel"},
	{name: "submitted deals (committee)", path: "/deals?sort=negotiation", role: "member"},
	{name: "deal page", path: "/deals/{deal}", role: "member"},
	{name: "committee dashboard", path: "/committee", role: "member"},
	{name: "review list, filtered", path: "/committee/reviews?state=open&verdict=conflict", role: "chair"},
	{name: "review page", path: "/reviews/{review}", role: "member"},
}

// records fill path placeholders: each query returns one ID from the scale
// data set (the same one on every run).
var records = map[string]string{
	"agreement": `SELECT a.id FROM agreement a WHERE EXISTS (SELECT 1 FROM clause c WHERE c.agreement_id = a.id)
		ORDER BY a.id LIMIT 1 OFFSET 100`,
	"deal":   `SELECT id FROM deal WHERE status = 'submitted' ORDER BY id LIMIT 1 OFFSET 100`,
	"review": `SELECT id FROM review WHERE state = 'open' ORDER BY id LIMIT 1 OFFSET 100`,
}

// roles are the bench users pages sign in as.
var roles = map[string][]string{
	"counsel": {"counsel"},
	"auditor": {"auditor"},
	"member":  {"member"},
	"chair":   {"chair"},
}
