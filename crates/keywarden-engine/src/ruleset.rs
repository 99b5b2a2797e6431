//! Rule sets: the built-in rules plus rule files, validated as a whole.

use std::collections::HashSet;

use crate::error::RuleError;
use crate::rule::{Rule, RuleFile, RuleSpec};

/// The built-in rule files as `(file name, TOML text)`, embedded at build time.
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// An ordered set of compiled rules with unique ids.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// An empty set, to fill from rule files only.
    pub fn new() -> RuleSet {
        RuleSet::default()
    }

    /// The built-in rules of `patterns/`.
    ///
    /// # Errors
    /// A [`RuleError`] if a built-in rule is broken, which the crate's tests rule out.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::new();
        for (name, text) in BUILTIN_RULE_FILES {
            set.add(&format!("built-in:{name}"), text, Rule::compile_builtin)?;
        }
        Ok(set)
    }

    /// Parses and compiles a rule file and adds its rules; `origin` names it in errors.
    ///
    /// # Errors
    /// [`RuleError`] naming the file, rule and pattern at fault; on error the set is
    /// unchanged.
    pub fn add_toml(&mut self, origin: &str, text: &str) -> Result<(), RuleError> {
        self.add(origin, text, Rule::compile_eager)
    }

    /// Adds a rule file, compiling each rule with `compile` (lazily and without parsing
    /// the patterns for built-in rules, whose tests prove they build; eagerly for user
    /// files, so errors surface at once).
    fn add(
        &mut self,
        origin: &str,
        text: &str,
        compile: fn(RuleSpec) -> Result<Rule, RuleError>,
    ) -> Result<(), RuleError> {
        let file = RuleFile::parse(origin, text)?;
        let compiled = file
            .rules
            .into_iter()
            .map(compile)
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen: HashSet<&str> = self.rules.iter().map(Rule::id).collect();
        for rule in &compiled {
            if !seen.insert(rule.id()) {
                return Err(RuleError::DuplicateId(rule.id().to_string()));
            }
        }
        self.rules.extend(compiled);
        Ok(())
    }

    /// Removes the rule with this id; returns whether it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id() != id);
        before != self.rules.len()
    }

    /// The rule with this id, to adjust its entropy or severity.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Rule> {
        self.rules.iter_mut().find(|r| r.id() == id)
    }

    /// The rules in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub(crate) fn into_rules(self) -> Vec<Rule> {
        self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rules skip the pattern checks at start-up; this is where they happen.
    #[test]
    fn every_builtin_rule_passes_the_checks_user_rules_get() {
        let mut count = 0;
        for (name, text) in BUILTIN_RULE_FILES {
            let file = RuleFile::parse(name, text).expect("built-in file parses");
            for spec in file.rules {
                let id = spec.id.clone();
                Rule::compile_eager(spec).unwrap_or_else(|e| panic!("{name}: {id}: {e}"));
                count += 1;
            }
        }
        assert_eq!(
            count,
            RuleSet::builtin().expect("built-in rules").rules().len()
        );
    }
}
