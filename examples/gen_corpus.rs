//! Benchmark corpus generator: writes N realistic, schema-valid department declarations, the same
//! ones for the same seed on every machine.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --count 1000 --seed 42 --out /tmp/corpus
//! ```
//!
//! Each declaration is about 250 lines: 20 services, 30 systems, 10 data assets, and the other
//! sections of the format, with a realistic share of broken commitments (late strategies, overdue
//! resilience tests, systems on premises without a plan, new services below Secure by Design,
//! vacancies above the objective, and so on). Files go to `OUT/NNNN/dept-NNNNN.yaml`, at most 1,000
//! per folder, as a department's repository of declarations might hold them.

// A command-line program: it reports on standard error.
#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::PathBuf;

/// SplitMix64: tiny, fast, and good enough to vary test data. No `rand` dependency needed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    /// A percentage with one decimal place in `lo..=hi`.
    fn pct(&mut self, lo: i64, hi: i64) -> f64 {
        self.range(lo * 10, hi * 10) as f64 / 10.0
    }
    /// A date between the two years (inclusive), as `YYYY-MM-DD`.
    fn date(&mut self, from_year: i64, to_year: i64) -> String {
        format!(
            "{}-{:02}-{:02}",
            self.range(from_year, to_year),
            self.range(1, 12),
            self.range(1, 28)
        )
    }
}

const ORG_TYPES: &[&str] = &[
    "ministerial",
    "non_ministerial",
    "executive_agency",
    "ndpb",
    "other",
];
const NOUNS: &[&str] = &[
    "licence",
    "grant",
    "permit",
    "benefit",
    "refund",
    "register",
    "appeal",
    "certificate",
    "inspection",
    "payment",
    "account",
    "claim",
    "application",
    "booking",
    "renewal",
    "report",
];
const VERBS: &[&str] = &[
    "apply-for",
    "renew",
    "check",
    "manage",
    "pay",
    "report",
    "register",
    "update",
    "track",
    "cancel",
];
const SYSTEM_WORDS: &[&str] = &[
    "case",
    "payments",
    "ledger",
    "identity",
    "records",
    "workflow",
    "portal",
    "batch",
    "crm",
    "grants",
    "licensing",
    "analytics",
    "document",
    "scheduling",
    "hr",
    "finance",
];
const SYSTEM_KINDS: &[&str] = &[
    "platform", "service", "system", "engine", "hub", "store", "gateway",
];
const HOSTING: &[&str] = &[
    "public_cloud",
    "public_cloud",
    "public_cloud",
    "saas",
    "saas",
    "community_cloud",
    "hybrid",
    "private_cloud",
    "crown_hosting",
    "on_premises",
];
const ONE_LOGIN: &[&str] = &[
    "not_started",
    "planned",
    "integration",
    "production_configured",
    "private_beta",
    "public_beta",
    "live",
    "live",
    "live",
];
const ACCESS: &[&str] = &["api", "gdx", "ids", "other_platform"];
const TECH: &[&str] = &["ai", "ai", "ai", "blockchain", "quantum", "other"];
const OPPORTUNITY_STATUS: &[&str] = &["identified", "pilot", "adopted", "rejected"];
const SELF_ASSESSMENT: &[&str] = &["below_good", "good", "good", "better", "best"];
const REFORMS: &[&str] = &["financial_processes", "business_cases", "impact_tracking"];

/// One department declaration (`n` counts from 1).
fn department(rng: &mut Rng, n: usize) -> String {
    let mut y = String::with_capacity(16 * 1024);
    let code = format!("ORG{n:05}");
    let as_of = format!("2025-{:02}-{:02}", rng.range(3, 9), rng.range(1, 28));
    let w = &mut y;
    let _ = writeln!(
        w,
        "# Generated benchmark declaration {n} (gen_corpus). Figures are invented."
    );
    let _ = writeln!(w, "schema_version: 1");
    let _ = writeln!(w, "kind: department");
    let _ = writeln!(w, "as_of: {as_of}");
    let _ = writeln!(w, "organisation:");
    let _ = writeln!(w, "  id: {code}");
    let _ = writeln!(w, "  name: Department of Generated Affairs {n}");
    let _ = writeln!(w, "  type: {}", rng.pick(ORG_TYPES));
    let _ = writeln!(w, "  health_body: {}", rng.chance(5));
    let _ = writeln!(w);

    let _ = writeln!(w, "services:");
    for s in 0..20 {
        let id = format!("{}-{}-{}", rng.pick(VERBS), rng.pick(NOUNS), n * 100 + s);
        // About one service in six is new, so Secure by Design applies to it.
        let started = if rng.chance(17) {
            rng.date(2024, 2025)
        } else {
            rng.date(2012, 2023)
        };
        let good = rng.chance(70);
        let (adoption, completion, satisfaction) = if good {
            (rng.pct(80, 99), rng.pct(81, 99), rng.pct(79, 95))
        } else {
            (rng.pct(40, 85), rng.pct(45, 85), rng.pct(50, 82))
        };
        let cost = rng.range(20, 900) as f64 / 100.0;
        let threshold = if rng.chance(85) {
            cost + rng.range(10, 200) as f64 / 100.0
        } else {
            (cost - 0.1_f64).max(0.0)
        };
        let top75 = if s < 2 && rng.chance(30) {
            "top75: true, "
        } else {
            ""
        };
        let phase = rng.pick(&["alpha", "beta", "live", "live", "live"]);
        let public_facing = !rng.chance(10);
        let performance = format!(
            "{{ period: 2025-Q1, digital_adoption_pct: {adoption}, digital_completion_pct: {completion}, user_satisfaction_pct: {satisfaction}, cost_per_transaction_gbp: {cost:.2}, cost_per_transaction_threshold_gbp: {threshold:.2}, accessibility: {} }}",
            rng.pick(&[
                "compliant",
                "compliant",
                "compliant",
                "partial",
                "non_compliant"
            ])
        );
        let one_login = rng.pick(ONE_LOGIN);
        let onboarding = if one_login == "not_started" || one_login == "planned" {
            "null".to_string()
        } else {
            rng.date(2023, 2025)
        };
        let identity = format!(
            "{{ requires_login: {}, one_login: {one_login}, onboarding_started: {onboarding} }}",
            rng.chance(80)
        );
        let notify = rng.pick(&["used", "used", "used", "not_needed", "exception"]);
        let reason = if notify == "exception" && rng.chance(60) {
            "\"Letters only, printed by a supplier\""
        } else {
            "null"
        };
        let components = format!(
            "{{ notify: {notify}, pay: {}, exception_reason: {reason} }}",
            rng.pick(&["used", "not_needed", "not_needed", "direct_debit"])
        );
        let confidence = if rng.chance(80) {
            "high"
        } else {
            rng.pick(&["low", "medium"])
        };
        let owner = if rng.chance(90) {
            format!("Service Owner {s}")
        } else {
            "null".to_string()
        };
        let sbd = format!(
            "{{ confidence: {confidence}, tracker_updated: {}, risk_owner: {owner} }}",
            rng.date(2024, 2025)
        );
        // Half the services in block style, half as flow mappings over a few lines: both are
        // common in hand-written YAML.
        if s % 2 == 0 {
            let _ = writeln!(w, "  - id: {id}");
            let _ = writeln!(w, "    name: Service {s} of {code}");
            if !top75.is_empty() {
                let _ = writeln!(w, "    top75: true");
            }
            let _ = writeln!(w, "    phase: {phase}");
            let _ = writeln!(w, "    started: {started}");
            let _ = writeln!(w, "    public_facing: {public_facing}");
            let _ = writeln!(w, "    performance: {performance}");
            let _ = writeln!(w, "    identity: {identity}");
            let _ = writeln!(w, "    common_components: {components}");
            let _ = writeln!(w, "    secure_by_design: {sbd}");
        } else {
            let _ = writeln!(
                w,
                "  - {{ id: {id}, name: Service {s} of {code}, {top75}phase: {phase}, started: {started}, public_facing: {public_facing},"
            );
            let _ = writeln!(w, "      performance: {performance},");
            let _ = writeln!(
                w,
                "      identity: {identity}, common_components: {components},"
            );
            let _ = writeln!(w, "      secure_by_design: {sbd} }}");
        }
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "policy_priorities:");
    for p in 0..3 {
        let _ = writeln!(
            w,
            "  - {{ name: Priority {p} of {code}, cross_functional_team: {}, digital_approach_embedded: {} }}",
            rng.chance(85),
            rng.chance(80)
        );
    }
    let _ = writeln!(w);

    // About a third confirmed their One Login strategy after April 2023.
    let strategy = if rng.chance(35) {
        rng.date(2023, 2024)
    } else {
        format!("2022-{:02}-{:02}", rng.range(7, 12), rng.range(1, 28))
    };
    let _ = writeln!(w, "one_login:");
    let _ = writeln!(w, "  strategy_confirmed: {strategy}");
    let _ = writeln!(w, "  agreed_adoption_date: {}", rng.date(2024, 2026));
    let _ = writeln!(w);

    let _ = writeln!(w, "data:");
    let _ = writeln!(w, "  marketplace_access: {}", rng.chance(90));
    let _ = writeln!(w, "  catalogue_entries: {}", rng.range(0, 40));
    let _ = writeln!(w, "  assets:");
    for a in 0..10 {
        let access: Vec<&str> = if rng.chance(15) {
            Vec::new()
        } else {
            let k = rng.range(1, 3) as usize;
            ACCESS
                .iter()
                .copied()
                .skip(rng.range(0, 1) as usize)
                .take(k)
                .collect()
        };
        let model = rng.pick(&["single", "single", "single", "shared", "none"]);
        let owner = if model == "none" {
            "null".to_string()
        } else {
            format!("Data Owner {a}")
        };
        let _ = writeln!(
            w,
            "    - {{ id: {}-asset-{a}, critical: {}, access: [{}], consumers: {}, ownership_model: {model}, owner: {owner} }}",
            rng.pick(SYSTEM_WORDS),
            rng.chance(60),
            access.join(", "),
            rng.range(0, 12)
        );
    }
    let _ = writeln!(w, "  quality:");
    let _ = writeln!(w, "    window_days: 180");
    let _ = writeln!(w, "    issues:");
    for q in 0..5 {
        let identified = rng.date(2023, 2024);
        let resolved = if rng.chance(60) {
            rng.date(2024, 2025)
        } else {
            "null".to_string()
        };
        let _ = writeln!(
            w,
            "      - {{ id: DQ-{q:03}, priority: {}, identified: {identified}, resolved: {resolved} }}",
            rng.pick(&["high", "high", "medium", "low"])
        );
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "technology:");
    let _ = writeln!(w, "  reuse:");
    let _ = writeln!(w, "    uses_common_repository: {}", rng.chance(75));
    let _ = writeln!(w, "    shared_components_published: {}", rng.range(0, 9));
    let _ = writeln!(w, "  systems:");
    for s in 0..30 {
        let id = format!("{}-{}-{s}", rng.pick(SYSTEM_WORDS), rng.pick(SYSTEM_KINDS));
        let important = rng.chance(30);
        let hosting = rng.pick(HOSTING);
        let cloud = hosting == "public_cloud" || hosting == "saas";
        // Most systems off the cloud state a case or a plan; some state neither.
        let (case, plan) = if cloud || !rng.chance(80) {
            ("null".to_string(), "null".to_string())
        } else if rng.chance(50) {
            (
                format!("Options appraisal {n}-{s} found this hosting best value"),
                "null".to_string(),
            )
        } else {
            (
                "null".to_string(),
                format!("{{ target: public_cloud, by: {} }}", rng.date(2025, 2027)),
            )
        };
        let tested = if !important || rng.chance(5) {
            "null".to_string()
        } else if rng.chance(88) {
            // Within the year before as_of.
            format!("2024-{:02}-{:02}", rng.range(10, 12), rng.range(1, 28))
        } else {
            rng.date(2022, 2023)
        };
        let mut fields = format!("id: {id}, nationally_important: {important}, hosting: {hosting}");
        if !cloud {
            let _ = write!(fields, ", hosting_case: {case}, hosting_plan: {plan}");
        }
        if important {
            let _ = write!(fields, ", last_resilience_test: {tested}");
        }
        if rng.chance(25) {
            let rating = rng.pick(&["red", "amber", "amber", "green"]);
            let agreed = if rating == "red" && rng.chance(40) {
                "null".to_string()
            } else {
                rng.date(2023, 2024)
            };
            let _ = writeln!(w, "    - {{ {fields},");
            let _ = writeln!(
                w,
                "        legacy: {{ rating: {rating}, remediation_plan: {{ agreed: {agreed}, funded: {}, target_date: {} }} }} }}",
                rng.pick(&["full", "partial", "none"]),
                rng.date(2025, 2028)
            );
        } else {
            let _ = writeln!(w, "    - {{ {fields} }}");
        }
    }
    let _ = writeln!(w, "  mobile:");
    let mobile = if rng.chance(80) {
        rng.date(2022, 2024)
    } else {
        "null".to_string()
    };
    let _ = writeln!(w, "    strategy_agreed: {mobile}");
    let _ = writeln!(w, "    services_with_app_access: {}", rng.range(0, 6));
    let _ = writeln!(w, "  emerging_technology:");
    let _ = writeln!(w, "    review_process: {}", rng.chance(85));
    let _ = writeln!(w, "    last_review: {}", rng.date(2023, 2025));
    let _ = writeln!(w, "    opportunities:");
    for o in 0..3 {
        let _ = writeln!(
            w,
            "      - {{ name: Opportunity {o}, technology: {}, status: {}, transparency_record: {} }}",
            rng.pick(TECH),
            rng.pick(OPPORTUNITY_STATUS),
            rng.chance(70)
        );
    }
    let _ = writeln!(w, "  sustainability:");
    let _ = writeln!(w, "    lead: Chief Sustainability Officer");
    let _ = writeln!(w, "    strategy_published: {}", rng.date(2022, 2024));
    let _ = writeln!(w, "    emissions_tco2e:");
    let mut emissions = rng.range(500, 20_000);
    for year in 2022..2025 {
        let _ = writeln!(w, "      - {{ year: {year}, value: {emissions} }}");
        emissions = (emissions * rng.range(85, 108) / 100).max(0);
    }
    let _ = writeln!(w);

    let headcount = rng.range(100, 5000);
    let scs = rng.range(20, 300);
    let _ = writeln!(w, "workforce:");
    let _ = writeln!(w, "  role_definitions_aligned: {}", rng.chance(85));
    let _ = writeln!(
        w,
        "  pay_framework: {}",
        rng.pick(&[
            "adopted",
            "adopted",
            "business_case_submitted",
            "not_adopted"
        ])
    );
    let _ = writeln!(w, "  recruitment_standard: {}", rng.chance(80));
    let _ = writeln!(w, "  average_time_to_hire_days: {}", rng.range(20, 70));
    let _ = writeln!(w, "  senior_civil_servants:");
    let _ = writeln!(w, "    headcount: {scs}");
    let _ = writeln!(w, "    upskilled: {}", scs * rng.range(65, 100) / 100);
    let _ = writeln!(w, "    in_performance_standards: {}", rng.chance(80));
    let _ = writeln!(w, "  ddat:");
    let _ = writeln!(w, "    headcount: {headcount}");
    let _ = writeln!(
        w,
        "    trained_last_12_months: {}",
        headcount * rng.range(60, 100) / 100
    );
    let _ = writeln!(
        w,
        "    skills_recorded: {}",
        headcount * rng.range(70, 100) / 100
    );
    let _ = writeln!(w, "    vacancies: {}", headcount * rng.range(3, 20) / 100);
    let _ = writeln!(w, "    vacancy_objective_set: {}", rng.chance(85));
    let _ = writeln!(w, "  diversity_roadmap:");
    let _ = writeln!(w, "    published: {}", rng.date(2022, 2024));
    let committed = if rng.chance(80) {
        rng.date(2026, 2028)
    } else {
        "null".to_string()
    };
    let _ = writeln!(w, "    committed_date: {committed}");
    let _ = writeln!(w);

    let reforms: Vec<&str> = REFORMS.iter().copied().filter(|_| rng.chance(80)).collect();
    let _ = writeln!(w, "transformation:");
    let _ = writeln!(w, "  reforms_implemented: [{}]", reforms.join(", "));
    let _ = writeln!(w, "  self_assessment:");
    let _ = writeln!(w, "    assessed: {}", rng.date(2024, 2025));
    let _ = writeln!(w, "    product_centric: {}", rng.pick(SELF_ASSESSMENT));
    let _ = writeln!(w, "    agile: {}", rng.pick(SELF_ASSESSMENT));

    if rng.chance(30) {
        let _ = writeln!(w);
        let _ = writeln!(w, "waivers:");
        let _ = writeln!(w, "  - rule: hosting-not-cloud-aligned");
        let _ = writeln!(w, "    path: technology.systems[{}]", rng.range(0, 29));
        let _ = writeln!(
            w,
            "    reason: Migration business case due after the Spending Review"
        );
        let _ = writeln!(w, "    approved_by: CDDO spend control");
        let _ = writeln!(w, "    expires: {}", rng.date(2025, 2026));
    }
    y
}

/// Declaration `n` (from 1) of the corpus for `seed`. Each file has its own random stream, so
/// file `n` is the same whatever the count. Tests include this file to build corpora.
pub fn declaration(seed: u64, n: usize) -> String {
    let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0xA076_1D64_78BD_642F));
    department(&mut rng, n)
}

fn usage() -> ! {
    eprintln!("usage: gen_corpus --count N [--seed S] --out DIR");
    std::process::exit(2);
}

fn main() {
    let mut count: Option<usize> = None;
    let mut seed: u64 = 42;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--count" => count = Some(value().parse().unwrap_or_else(|_| usage())),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            "--out" => out = Some(PathBuf::from(value())),
            _ => usage(),
        }
    }
    let (Some(count), Some(out)) = (count, out) else {
        usage()
    };
    for n in 1..=count {
        let text = declaration(seed, n);
        let dir = out.join(format!("{:04}", (n - 1) / 1000));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("gen_corpus: cannot create {}: {e}", dir.display());
            std::process::exit(2);
        }
        let path = dir.join(format!("dept-{n:05}.yaml"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("gen_corpus: cannot write {}: {e}", path.display());
            std::process::exit(2);
        }
    }
    eprintln!(
        "gen_corpus: wrote {count} declarations to {}",
        out.display()
    );
}
