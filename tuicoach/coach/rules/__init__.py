"""Every rule in RULEBOOK.md, registered by id in :data:`RULES`."""

from tuicoach.coach.rules import account, draft, listening
from tuicoach.coach.rules.registry import RULES, Context, Hit, Rule, rule

# Draft rules first, then account rules, each in file order: the rulebook's order.
for _rule in sorted(RULES.values(), key=lambda r: r.account):
    RULES[_rule.id] = RULES.pop(_rule.id)

__all__ = ["RULES", "Context", "Hit", "Rule", "account", "draft", "listening", "rule"]
