# hosting-not-cloud-aligned (commitment 9), as rules/roadmap-2022-25/hosting-not-cloud-aligned.rhai
# judges it: every nationally important system is hosted in public cloud or as SaaS, or has a
# value-for-money case (hosting_case), or a plan to move to public cloud or SaaS with a date that
# has not passed. Each finding has the same path and message as the Rhai rule's.
package roadmap.hosting

import rego.v1

cloud := {"public_cloud", "saas"}

findings contains {"path": sprintf("technology.systems[%d].%s", [i, v[0]]), "message": v[1]} if {
	some i, sys in input.technology.systems
	sys.nationally_important == true
	v := verdict(sys)
	count(v) == 2
}

passed contains sprintf("technology.systems[%d]", [i]) if {
	some i, sys in input.technology.systems
	sys.nationally_important == true
	count(verdict(sys)) == 0
}

has_text(x) if {
	is_string(x)
	trim_space(x) != ""
}

plan(sys) := object.get(sys, "hosting_plan", null)

target(sys) := object.get(plan(sys), "target", null)

by(sys) := object.get(plan(sys), "by", null)

verdict(sys) := ["hosting", sprintf("nationally important system `%s` does not declare where it is hosted", [sys.id])] if {
	object.get(sys, "hosting", null) == null
} else := [] if {
	sys.hosting in cloud
} else := [] if {
	has_text(object.get(sys, "hosting_case", null))
} else := ["hosting", sprintf("nationally important system `%s` is hosted %s with neither a hosting case nor a plan to move", [sys.id, sys.hosting])] if {
	plan(sys) == null
} else := ["hosting", sprintf("nationally important system `%s` is hosted %s with neither a hosting case nor a plan to move", [sys.id, sys.hosting])] if {
	target(sys) == null
	by(sys) == null
} else := ["hosting_plan", sprintf("the plan to move `%s` does not say where to: it does not count as a plan to move to cloud-aligned hosting", [sys.id])] if {
	target(sys) == null
} else := ["hosting_plan.target", sprintf("the plan moves `%s` to %s, which is not cloud-aligned without a value-for-money case: it does not count", [sys.id, target(sys)])] if {
	not target(sys) in cloud
} else := ["hosting_plan", sprintf("the plan to move `%s` to %s has no date: it does not count until it says by when", [sys.id, target(sys)])] if {
	by(sys) == null
} else := ["hosting_plan.by", sprintf("the plan to move `%s` to %s was due on %s, but it is still hosted %s", [sys.id, target(sys), by(sys), sys.hosting])] if {
	by(sys) < input.as_of
} else := []
