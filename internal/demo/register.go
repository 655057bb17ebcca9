package demo

import "context"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// The register of the demo: a fictional retelling of shared/seed. Lumen
// Labs, a model developer, is the company whose committee uses Dealgate.
// Azurine Cloud (part of Azurine Corporation) invested over $11 billion and
// is the exclusive host of Lumen's stateless model APIs; a non-binding
// memorandum signed in September lets Lumen explore outside collaborations
// with notice. Nimbus Web Services (part of Nimbus Inc.), the rival cloud,
// wants to be the exclusive provider for Frontier, Lumen's agent platform.
// Whether an agent platform is a "stateless model API" is exactly what the
// taxonomy's definitions settle.

type demoCategory struct {
	key, parent, name, definition string
	includes, excludes            []string
}

// demoTaxonomy is version 1, parents before children.
var demoTaxonomy = []demoCategory{
	{"ai-services", "", "AI services",
		"Products and services whose primary function is to give customers artificial-intelligence capabilities: models, the platforms built on them, and the applications that embed them. A parent category only: clauses should name the narrowest category that applies.",
		[]string{"Any category below this one"}, []string{"General cloud infrastructure not sold as an AI capability (see Compute)"}},
	{"foundation-models", "ai-services", "Foundation models",
		"General-purpose models trained on broad data that can be adapted to many tasks, and the direct means of licensing or accessing the model itself. A foundation model answers one request at a time; it does not plan, keep memory across requests, call tools or act on its own.",
		[]string{"Large language models", "Multimodal models", "Embedding models"}, []string{"Agents and agent platforms built on a model (see Agentic platforms)", "Applications that embed a model (see AI applications)"}},
	{"stateless-model-apis", "foundation-models", "Stateless model APIs",
		"Programmatic request-response access to a foundation model where every call is independent: the provider keeps no conversation, memory, task or workflow state between calls beyond what the caller sends with each request. Covers the API product whichever cloud or data centre serves it.",
		[]string{"Text and chat completion endpoints", "Embeddings endpoints", "Image generation endpoints", "Batch inference APIs billed per token"},
		[]string{"Agent runtimes or assistants that keep threads, memory or tasks between calls (see Agentic platforms)", "Fine-tuning services", "Downloads or licences of model weights (see Model weights licensing)", "Raw GPU capacity (see Compute)"}},
	{"model-weights-licensing", "foundation-models", "Model weights licensing",
		"Licences that let a third party obtain a copy of a model's trained weights and run it on infrastructure the third party chooses.",
		[]string{"On-premises licence of a model's weights", "Open-weight release under a commercial licence"}, []string{"Hosted access to the model through an API (see Stateless model APIs)"}},
	{"fine-tuning-services", "foundation-models", "Fine-tuning services",
		"Services that adapt a foundation model to a customer's data and deliver the adapted model for the customer's exclusive use.",
		[]string{"Supervised fine-tuning jobs", "Preference tuning on customer data"}, []string{"Prompting or retrieval without changing weights (see Stateless model APIs)"}},
	{"agentic-platforms", "ai-services", "Agentic platforms",
		"Platforms for building, running and managing AI agents: software that pursues a goal over several steps by planning, calling tools and keeping state, with or without human approval. What is sold is the agent layer; the model underneath may be any foundation model, and the platform's own calls to a model are not themselves a model API product.",
		[]string{"Platforms to develop and manage autonomous agents", "Multi-agent workflow products"}, []string{"Direct access to a model one request at a time (see Stateless model APIs)", "Chat applications for end users (see AI applications)"}},
	{"agent-hosting", "agentic-platforms", "Agent hosting",
		"Managed runtime in which agents execute: long-running sessions, persistence of agent state and memory, sandboxes for tools and code, and scaling of agent workloads.",
		[]string{"Managed agent runtime", "Sandboxed code execution for agents", "Agent memory stores"}, []string{"Stateless completion calls an agent makes to a model (see Stateless model APIs)", "General-purpose container hosting (see Compute)"}},
	{"agent-orchestration-and-management", "agentic-platforms", "Agent orchestration & management",
		"Software to design, coordinate, evaluate, monitor and govern agents and multi-agent workflows: planners, routing between agents, permissions, evaluation and audit of agent actions.",
		[]string{"An agent development and management platform such as Frontier", "Agent evaluation and monitoring tools", "Agent permission and policy consoles"}, []string{"The runtime the agents execute in (see Agent hosting)"}},
	{"ai-applications", "ai-services", "AI applications",
		"End-user applications whose main value is an AI capability, sold to consumers or businesses under the application's own brand.",
		[]string{"Consumer chat assistants", "Enterprise copilots for office software"}, []string{"Developer access to models (see Foundation models)"}},
	{"compute", "", "Compute",
		"Provision of computing capacity (accelerators, servers, networking and their data centres) whatever it is used for.",
		[]string{"Any category below this one"}, []string{"Model access sold per request (see Stateless model APIs)"}},
	{"training-compute", "compute", "Training compute",
		"Accelerator capacity reserved or bought to train or fine-tune models, including the storage and networking attached to training clusters.",
		[]string{"Reserved GPU clusters for pre-training", "Capacity for reinforcement learning runs"}, []string{"Capacity that serves a trained model to users (see Inference hosting)"}},
	{"inference-hosting", "compute", "Inference hosting",
		"Capacity dedicated to serving trained models to users, operated for the model developer, whoever sells access to the model.",
		[]string{"Dedicated inference clusters", "Burst inference capacity"}, []string{"The API product sold to customers (see Stateless model APIs)", "Training clusters (see Training compute)"}},
	{"data-services", "", "Data services",
		"Data bought, licensed or processed to build or improve models.",
		[]string{"Any category below this one"}, []string{"Customer data processed to deliver a service"}},
	{"training-data-licensing", "data-services", "Training data licensing",
		"Licences of third-party content for use in training or evaluating models.",
		[]string{"News archive licences", "Code corpus licences"}, []string{"Data generated by Lumen's own users"}},
	{"distribution", "", "Distribution",
		"Selling or listing Lumen's products through a third party's channels.",
		[]string{"Any category below this one"}, []string{"Direct sales by Lumen"}},
	{"marketplace-listing", "distribution", "Marketplace listing",
		"Listing Lumen products in a cloud provider's or reseller's marketplace, with billing through that marketplace.",
		[]string{"Cloud marketplace listing of Lumen's API", "Reseller catalogue entry"}, []string{"Hosting of the product itself (see Stateless model APIs or Compute)"}},
}

type demoParty struct {
	name    string
	kind    dealgate.PartyKind
	aliases []string
	parent  string
	website string
	notes   string
}

var demoParties = []demoParty{
	{"Lumen Labs", dealgate.PartyModelDeveloper, []string{"Lumen", "Lumen AI"}, "", "https://lumenlabs.example", "Us: the model developer whose agreements this register holds."},
	{"Azurine Corporation", dealgate.PartyInvestor, []string{"Azurine Corp"}, "", "https://azurine.example", "Parent of Azurine Cloud; Lumen's largest investor."},
	{"Azurine Cloud", dealgate.PartyCloudProvider, []string{"Azurine"}, "Azurine Corporation", "https://cloud.azurine.example", "Long-time cloud partner; exclusive host of Lumen's stateless model APIs."},
	{"Nimbus Inc.", dealgate.PartyOther, nil, "", "https://nimbus.example", "Parent of Nimbus Web Services."},
	{"Nimbus Web Services", dealgate.PartyCloudProvider, []string{"NWS", "Nimbus"}, "Nimbus Inc.", "https://nws.nimbus.example", "Rival cloud; proposed exclusive provider for Frontier."},
	{"Cumulo Compute", dealgate.PartyCloudProvider, []string{"Cumulo"}, "", "https://cumulo.example", "Specialist GPU cloud."},
	{"Strato Cloud", dealgate.PartyCloudProvider, []string{"Strato"}, "", "https://strato.example", "European cloud used for burst inference."},
	{"Orbital GPU", dealgate.PartyCloudProvider, nil, "", "https://orbitalgpu.example", "New GPU provider under evaluation."},
	{"Halcyon AI", dealgate.PartyModelDeveloper, []string{"Halcyon"}, "", "https://halcyon.example", "Model developer licensing us its speech model weights."},
	{"Vertex Reach Partners", dealgate.PartyReseller, []string{"Vertex Reach"}, "", "https://vertexreach.example", "Reseller for the Americas."},
	{"Northwind Systems Integrators", dealgate.PartyReseller, []string{"Northwind"}, "", "", "Former integration partner."},
	{"Meridian Ventures", dealgate.PartyInvestor, nil, "", "https://meridian.example", "Minority investor with a side letter."},
	{"Quill Data Co.", dealgate.PartyOther, []string{"Quill Data"}, "", "https://quilldata.example", "News archive licensor."},
}

type demoClause struct {
	kind        dealgate.ClauseKind
	section     string
	beneficiary string // party name; "" is the agreement's party
	categories  []string
	excluded    []string
	scope       dealgate.RestrictionScope
	kindOf      dealgate.PartyKind
	restricted  []string
	exceptions  []string
	regions     []string // nil: worldwide
	from, until string
	notice      int
	text        string
}

type demoAgreement struct {
	title, party string
	kind         dealgate.AgreementKind
	binding      bool
	status       dealgate.AgreementStatus
	signed       string
	effective    string
	expires      string // YYYY-MM-DD, or "+N" days from today
	value        int64  // major units
	currency     string
	summary      string
	notes        string
	clauses      []demoClause
}

var demoAgreements = []demoAgreement{
	{
		title: "Azurine strategic partnership", party: "Azurine Cloud", kind: dealgate.AgreementPartnership, binding: true,
		status: dealgate.StatusActive, signed: "2019-07-22", effective: "2019-07-22", expires: "2032-12-31",
		value: 11_000_000_000, currency: "USD",
		summary: "Multi-year strategic partnership. Azurine Corporation invests more than $11 billion in Lumen Labs; Azurine Cloud is Lumen's preferred cloud partner and the exclusive host of Lumen's stateless model APIs. Azurine has a right of first refusal over new compute capacity.",
		notes:   "Azurine's position (2026): the exclusivity in §4.2 covers any product that exposes a Lumen model to customers, including agent platforms. Lumen's position: §4.2 is limited to stateless APIs as defined in Schedule A.",
		clauses: []demoClause{
			{kind: dealgate.ClauseExclusivity, section: "4.2", categories: []string{"stateless-model-apis"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyCloudProvider, exceptions: []string{"Azurine Cloud"},
				text: "During the Term, Azurine shall be the exclusive cloud provider for the hosting of Lumen's stateless application programming interfaces (\"Stateless APIs\", as defined in Schedule A). Lumen shall not make any Stateless API available through, or hosted on, the infrastructure of any other cloud provider."},
			{kind: dealgate.ClauseRightOfFirstRefusal, section: "5.1", categories: []string{"training-compute", "inference-hosting"}, scope: dealgate.RestrictAny,
				until: "2030-12-31",
				text:  "Before Lumen contracts for new compute capacity from a third party, Lumen shall notify Azurine of the material terms offered, and Azurine may, within fifteen business days, match those terms, in which case Lumen shall contract with Azurine."},
			{kind: dealgate.ClausePreferredProvider, section: "3.1", categories: []string{"compute"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyCloudProvider, exceptions: []string{"Azurine Cloud"},
				text: "Azurine shall be Lumen's preferred cloud partner. Lumen shall consider Azurine first for cloud infrastructure and shall not describe any other cloud provider as its primary or preferred cloud."},
		},
	},
	{
		title: "September memorandum of understanding", party: "Azurine Corporation", kind: dealgate.AgreementMoU, binding: false,
		status: dealgate.StatusActive, signed: "2025-09-12", effective: "2025-09-12",
		summary: "Non-binding memorandum reached in September: Lumen may explore collaborations with outside partners, including other cloud providers, for products outside the exclusivity of the strategic partnership, after giving Azurine notice. The parties intend to renegotiate the partnership.",
		clauses: []demoClause{
			{kind: dealgate.ClauseNoticeRequired, section: "2", beneficiary: "Azurine Cloud", categories: []string{"ai-services", "compute"},
				excluded: []string{"stateless-model-apis"}, scope: dealgate.RestrictKind, kindOf: dealgate.PartyCloudProvider,
				exceptions: []string{"Azurine Cloud"}, notice: 30,
				text: "Lumen may explore collaborations with third parties, including other cloud providers, for products and services outside the scope of Section 4.2 of the Strategic Partnership, provided that Lumen gives Azurine not less than thirty (30) days' written notice before entering into negotiations."},
			{kind: dealgate.ClauseRightOfFirstNegotiation, section: "3", beneficiary: "Azurine Cloud", categories: []string{"agentic-platforms"}, scope: dealgate.RestrictAny,
				exceptions: []string{"Azurine Cloud"},
				text:       "Before negotiating with a third party for the hosting or distribution of an agentic platform, Lumen will first discuss in good faith with Azurine whether Azurine can meet Lumen's requirements."},
		},
	},
	{
		title: "Nimbus Web Services capacity reservation", party: "Nimbus Web Services", kind: dealgate.AgreementCloudServices, binding: true,
		status: dealgate.StatusActive, signed: "2024-02-20", effective: "2024-03-01", expires: "2027-02-28", value: 450_000_000, currency: "USD",
		summary: "Three-year reservation of GPU capacity in two Nimbus regions for training runs, agreed to add redundancy beyond a single cloud provider.",
		clauses: []demoClause{
			{kind: dealgate.ClauseConsentRequired, section: "9.3", categories: []string{"training-compute"}, scope: dealgate.RestrictAny,
				text: "Lumen shall not assign, sublicense or resell reserved capacity to any third party without the prior written consent of NWS."},
		},
	},
	{
		title: "Nimbus Inc. mutual confidentiality agreement", party: "Nimbus Inc.", kind: dealgate.AgreementOther, binding: true,
		status: dealgate.StatusActive, signed: "2026-06-02", effective: "2026-06-02", expires: "2028-06-01",
		summary: "Mutual NDA covering exploratory talks about Frontier, Lumen's platform for developing and managing autonomous agents, and about Nimbus becoming its exclusive third-party provider.",
	},
	{
		title: "Cumulo Compute GPU lease", party: "Cumulo Compute", kind: dealgate.AgreementCloudServices, binding: true,
		status: dealgate.StatusActive, signed: "2025-01-10", effective: "2025-02-01", expires: "+40", value: 38_500_000, currency: "EUR",
		summary: "Lease of a dedicated accelerator cluster for fine-tuning and evaluation workloads; renewal decision due before expiry.",
		clauses: []demoClause{
			{kind: dealgate.ClausePreferredProvider, section: "2.4", categories: []string{"fine-tuning-services"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyCloudProvider, exceptions: []string{"Cumulo Compute"}, regions: []string{"EU"},
				text: "For fine-tuning workloads run in the European Union, Lumen will use Cumulo as its preferred provider where Cumulo has capacity available."},
		},
	},
	{
		title: "Strato Cloud burst inference agreement", party: "Strato Cloud", kind: dealgate.AgreementCloudServices, binding: true,
		status: dealgate.StatusExpired, signed: "2023-05-15", effective: "2023-06-01", expires: "2024-06-30", value: 12_000_000, currency: "EUR",
		summary: "Burst inference capacity in Frankfurt during the 2023 launch; expired without renewal.",
		clauses: []demoClause{
			{kind: dealgate.ClauseExclusivity, section: "3", categories: []string{"inference-hosting"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyCloudProvider, exceptions: []string{"Strato Cloud"}, regions: []string{"EU"},
				text: "Strato shall be the exclusive provider of burst inference hosting for Lumen in the European Union during the Term."},
		},
	},
	{
		title: "Halcyon speech model weights licence", party: "Halcyon AI", kind: dealgate.AgreementLicence, binding: true,
		status: dealgate.StatusActive, signed: "2025-01-15", effective: "2025-01-15", expires: "2028-01-14", value: 120_000_000, currency: "USD",
		summary: "Licence of Halcyon's speech recognition model weights to run on Lumen infrastructure, with a non-compete protecting Halcyon in Europe.",
		clauses: []demoClause{
			{kind: dealgate.ClauseNonCompete, section: "7.1", categories: []string{"model-weights-licensing"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyModelDeveloper, exceptions: []string{"Halcyon AI"}, regions: []string{"EU", "UK"}, until: "2027-01-14",
				text: "For two years from the Effective Date, Lumen shall not license speech model weights from any other model developer for use in the European Union or the United Kingdom."},
			{kind: dealgate.ClauseMostFavouredNation, section: "8", categories: []string{"model-weights-licensing"}, scope: dealgate.RestrictAny,
				text: "If Halcyon grants any licensee more favourable royalty terms for the Licensed Weights, Halcyon shall offer the same terms to Lumen."},
		},
	},
	{
		title: "Vertex Reach reseller agreement", party: "Vertex Reach Partners", kind: dealgate.AgreementPartnership, binding: true,
		status: dealgate.StatusActive, signed: "2024-09-01", effective: "2024-10-01", expires: "2027-09-30",
		summary: "Vertex Reach resells Lumen's API and enterprise copilot in North and Latin America.",
		clauses: []demoClause{
			{kind: dealgate.ClauseMostFavouredNation, section: "6.2", categories: []string{"stateless-model-apis"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyReseller, exceptions: []string{"Vertex Reach Partners"}, regions: []string{"NA", "LATAM"},
				text: "Lumen shall not offer any other reseller in the Territory wholesale API pricing more favourable than that offered to Vertex Reach."},
			{kind: dealgate.ClauseRightOfFirstNegotiation, section: "6.5", categories: []string{"ai-applications"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyReseller, regions: []string{"LATAM"},
				text: "Before appointing another reseller for enterprise copilots in Latin America, Lumen shall first negotiate in good faith with Vertex Reach for sixty days."},
		},
	},
	{
		title: "Meridian Ventures side letter", party: "Meridian Ventures", kind: dealgate.AgreementInvestment, binding: true,
		status: dealgate.StatusActive, signed: "2024-04-30", effective: "2024-04-30", value: 250_000_000, currency: "USD",
		summary: "Side letter to Meridian's minority investment: information rights and consent over exclusive grants to cloud providers.",
		clauses: []demoClause{
			{kind: dealgate.ClauseConsentRequired, section: "4", categories: []string{"ai-services"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyCloudProvider,
				text:   "Lumen shall obtain Meridian's prior written consent before granting any cloud provider exclusive rights over a Lumen product line."},
		},
	},
	{
		title: "Quill news archive licence", party: "Quill Data Co.", kind: dealgate.AgreementLicence, binding: true,
		status: dealgate.StatusActive, signed: "2025-03-01", effective: "2025-03-01", expires: "+75", value: 9_500_000, currency: "GBP",
		summary: "Licence of Quill's news archive for training and evaluation.",
		clauses: []demoClause{
			{kind: dealgate.ClauseExclusivity, section: "2.2", categories: []string{"training-data-licensing"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyOther, exceptions: []string{"Quill Data Co."}, regions: []string{"UK", "EU"},
				text: "Quill shall be Lumen's exclusive source of licensed news archive content for the United Kingdom and European Union during the Term."},
		},
	},
	{
		title: "Azurine marketplace listing terms", party: "Azurine Cloud", kind: dealgate.AgreementCloudServices, binding: true,
		status: dealgate.StatusActive, signed: "2023-11-01", effective: "2023-11-01", expires: "+20",
		summary: "Listing of Lumen's API in the Azurine marketplace with billing through Azurine.",
		clauses: []demoClause{
			{kind: dealgate.ClausePreferredProvider, section: "1.3", categories: []string{"marketplace-listing"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyCloudProvider, exceptions: []string{"Azurine Cloud"}, notice: 14,
				text: "Lumen will feature the Azurine marketplace as its preferred marketplace and give fourteen days' notice before listing in another cloud marketplace."},
		},
	},
	{
		title: "Orbital GPU evaluation agreement", party: "Orbital GPU", kind: dealgate.AgreementCloudServices, binding: false,
		status:  dealgate.StatusDraft,
		summary: "Draft terms for a three-month evaluation of Orbital's inference hosting.",
	},
	{
		title: "Northwind integration services agreement", party: "Northwind Systems Integrators", kind: dealgate.AgreementPartnership, binding: true,
		status: dealgate.StatusTerminated, signed: "2022-02-01", effective: "2022-02-01", expires: "2026-01-31",
		summary: "Systems integration for enterprise copilot deployments; terminated for convenience in 2025.",
		clauses: []demoClause{
			{kind: dealgate.ClauseRightOfFirstNegotiation, section: "5", categories: []string{"ai-applications"}, scope: dealgate.RestrictKind,
				kindOf: dealgate.PartyReseller,
				text:   "Lumen shall negotiate first with Northwind before engaging another integrator for enterprise copilot deployments."},
		},
	},
}

// loadDemoParties adds the demo's parties that are missing, parents first,
// and returns every demo party's ID by name.
func loadDemoParties(ctx context.Context, tx *postgres.Tx) (map[string]int64, error) {
	parties := map[string]int64{}
	for _, p := range demoParties {
		if existing, err := tx.FindPartyByName(ctx, p.name); err == nil {
			parties[p.name] = existing.ID
			continue
		} else if dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
			return nil, err
		}
		in := dealgate.PartyInput{Name: p.name, Kind: p.kind, Aliases: p.aliases, Website: p.website, Notes: p.notes}
		if p.parent != "" {
			id := parties[p.parent]
			in.ParentID = &id
		}
		created, err := tx.CreateParty(ctx, nil, in)
		if err != nil {
			return nil, fmt.Errorf("party %s: %w", p.name, err)
		}
		parties[p.name] = created.ID
	}
	return parties, nil
}

// loadRegister loads the demo register: version 1 of the taxonomy, the
// parties, and the agreements with their clauses. Owners are the demo
// counsel when that account exists.
func loadRegister(ctx context.Context, tx *postgres.Tx) error {
	cats, err := loadDemoTaxonomy(ctx, tx)
	if err != nil {
		return err
	}
	parties, err := loadDemoParties(ctx, tx)
	if err != nil {
		return err
	}
	var owner *int64
	if id, err := tx.Q.UserIDByEmail(ctx, "counsel@dealgate.example"); err == nil {
		owner = &id
	}
	today := dealgate.DateOf(tx.Now)
	date := func(s string) *time.Time {
		if s == "" {
			return nil
		}
		if s[0] == '+' {
			var n int
			_, _ = fmt.Sscanf(s, "+%d", &n)
			d := today.AddDate(0, 0, n)
			return &d
		}
		d, _ := dealgate.ParseDate(s)
		return d
	}
	ids := func(names []string, m map[string]int64) []int64 {
		out := make([]int64, 0, len(names))
		for _, n := range names {
			out = append(out, m[n])
		}
		return out
	}
	for _, d := range demoAgreements {
		in := dealgate.AgreementInput{
			Title: d.title, PartyID: parties[d.party], Kind: d.kind, Binding: d.binding, Status: d.status,
			SignedOn: date(d.signed), EffectiveOn: date(d.effective), ExpiresOn: date(d.expires),
			OwnerID: owner, Summary: d.summary, Notes: d.notes,
		}
		// Keep the demo valid whenever it is loaded: an agreement whose end
		// has passed by then is recorded as expired.
		if in.Status == dealgate.StatusActive && in.ExpiresOn != nil && in.ExpiresOn.Before(today) {
			in.Status = dealgate.StatusExpired
		}
		if d.value > 0 {
			m, err := dealgate.ParseMoney(fmt.Sprint(d.value), d.currency)
			if err != nil {
				return err
			}
			in.Value = m
		}
		a, err := tx.CreateAgreement(ctx, nil, in)
		if err != nil {
			return fmt.Errorf("agreement %s: %w %v", d.title, err, dealgate.ErrorFields(err))
		}
		for _, c := range d.clauses {
			ben := a.Party.ID
			if c.beneficiary != "" {
				ben = parties[c.beneficiary]
			}
			cin := dealgate.ClauseInput{
				Kind: c.kind, BeneficiaryID: ben, CategoryIDs: ids(c.categories, cats), ExcludedCategoryIDs: ids(c.excluded, cats),
				Scope: c.scope, RestrictedKind: c.kindOf, RestrictedPartyIDs: ids(c.restricted, parties),
				ExceptionPartyIDs: ids(c.exceptions, parties), Worldwide: c.regions == nil, Regions: c.regions,
				ValidFrom: date(c.from), ValidUntil: date(c.until), Section: c.section, Text: c.text,
			}
			if c.notice > 0 {
				n := c.notice
				cin.NoticeDays = &n
			}
			if _, err := tx.CreateClause(ctx, nil, a.ID, cin); err != nil {
				return fmt.Errorf("agreement %s, clause §%s: %w %v", d.title, c.section, err, dealgate.ErrorFields(err))
			}
		}
	}
	return nil
}

// loadDemoTaxonomy creates the categories the database lacks (by key) in
// the draft and publishes it; it returns every demo category's ID by key.
func loadDemoTaxonomy(ctx context.Context, tx *postgres.Tx) (map[string]int64, error) {
	ids := map[string]int64{}
	created := 0
	for _, c := range demoTaxonomy {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM category WHERE key = $1`, c.key).Scan(&id)
		if err == nil {
			ids[c.key] = id
			continue
		}
		in := dealgate.CategoryInput{Key: c.key, Name: c.name, Definition: c.definition,
			InclusionExamples: c.includes, ExclusionExamples: c.excludes, Position: len(ids)}
		if c.parent != "" {
			p := ids[c.parent]
			in.ParentID = &p
		}
		cat, err := tx.CreateCategory(ctx, nil, in)
		if err != nil {
			return nil, fmt.Errorf("category %s: %w %v", c.key, err, dealgate.ErrorFields(err))
		}
		ids[c.key] = cat.ID
		created++
	}
	if created == 0 {
		return ids, nil
	}
	var draftVersion int64
	if err := tx.QueryRow(ctx, `SELECT version FROM taxonomy_version WHERE status = 'draft'`).Scan(&draftVersion); err != nil {
		return nil, fmt.Errorf("find taxonomy draft: %w", err)
	}
	_, err := tx.PublishTaxonomy(ctx, nil, draftVersion,
		"First version: AI services split into foundation models (stateless model APIs, weights licensing, fine-tuning) and agentic platforms (agent hosting, orchestration & management), plus compute, data and distribution.")
	return ids, err
}
