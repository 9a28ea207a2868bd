//! The memory model of a loaded document ([`crate::node::Held`]), checked against what the
//! allocator counts.

#[cfg(test)]
mod tests {
    use crate::engine::budget;
    use crate::load::{Limits, yaml};

    /// Files of the shapes that cost most per byte, and an ordinary declaration.
    fn shapes() -> Vec<(&'static str, String)> {
        let declaration = include_str!("../../fixtures/examples/dwp-compliant.yaml").to_string();
        let many = |line: &dyn Fn(usize) -> String, head: &str| {
            let mut text = head.to_string();
            let mut i = 0;
            // Small enough for the costliest shape to stay within a file's memory budget.
            let size = if head.is_empty() { 20_000 } else { 4_000 };
            while text.len() < size {
                text.push_str(&line(i));
                i += 1;
            }
            text
        };
        vec![
            ("declaration", declaration),
            ("one-key mappings", many(&|i| format!("- {{a: {i}}}\n"), "")),
            (
                "two-key mappings",
                many(&|i| format!("- {{a: {i}, b: x}}\n"), ""),
            ),
            ("empty mappings", many(&|_| "- {}\n".to_string(), "")),
            ("tiny keys", many(&|i| format!("k{i:x}: {i}\n"), "")),
            ("flow digits", many(&|i| format!("{},", i % 10), "[") + "0]"),
            (
                "flow strings",
                many(&|i| format!("s{},", i % 10), "[") + "s]",
            ),
            ("empty lists", many(&|_| "- []\n".to_string(), "")),
            (
                "nested mappings",
                many(&|i| format!("- {{a: {{b: {{c: {i}}}}}}}\n"), ""),
            ),
            (
                "aliased mappings",
                many(&|_| "- *m\n".to_string(), "- &m {a: 1, b: 2}\n"),
            ),
        ]
    }

    #[test]
    fn the_model_prices_every_shape_at_or_above_its_cost() {
        let limits = Limits {
            max_alias_nodes: usize::MAX,
            ..Limits::default()
        };
        for (name, text) in shapes() {
            let before = budget::live();
            let docs = yaml::parse(&text, &limits);
            let values: Vec<_> = docs
                .iter()
                .filter_map(|d| d.root.as_ref())
                .map(crate::engine::to_dynamic)
                .collect();
            let cost = budget::grown_since(before);
            let priced: usize = docs
                .iter()
                .filter_map(|d| d.root.as_ref())
                .map(|r| r.weight().held())
                .sum();
            assert!(
                docs.iter().all(|d| d.problems.is_empty()),
                "{name}: {:?}",
                docs[0].problems
            );
            println!(
                "{name}: {} bytes of text, {cost} held ({:.1} per byte), priced {priced} ({:.2} times)",
                text.len(),
                cost as f64 / text.len() as f64,
                priced as f64 / cost as f64
            );
            assert!(priced >= cost, "{name}: held {cost}, priced only {priced}");
            assert!(
                priced <= cost * 3,
                "{name}: priced {priced}, three times what it holds ({cost})"
            );
            drop(values);
        }
    }
}
