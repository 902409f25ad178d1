//! Ids and names: one line of text of bounded length, and policy names that stay distinct once
//! cleaned up for file names.

use super::build::Builder;
use crate::scenario::Scenario;

/// The longest id or name, in characters: names become file names and table cells.
pub(crate) const MAX_NAME_CHARS: usize = 100;

/// A name cleaned up for a file name: ASCII letters, digits and `-` kept, anything else `_`.
pub(crate) fn file_stem(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

impl Builder<'_> {
    /// Checks that `name` (at `path`) is one line of at most [`MAX_NAME_CHARS`] characters.
    pub(super) fn check_name(&mut self, path: &str, name: &str) {
        if let Some(c) = name.chars().find(|c| c.is_control()) {
            self.problem(
                path,
                format!("contains the control character {c:?} (a line break, tab, …); ids and names are one line of text"),
            );
        }
        let n = name.chars().count();
        if n > MAX_NAME_CHARS {
            self.problem(path, format!("is {n} characters long; at most {MAX_NAME_CHARS}"));
        }
    }

    /// Checks every id and name of the scenario with [`Builder::check_name`], and that no two
    /// policy names clean up to the same file name.
    pub(super) fn check_names(&mut self, s: &Scenario) {
        if let Some(name) = &s.name {
            self.check_name("name", name);
        }
        let lists: [(&str, &str, Vec<&str>); 6] = [
            ("items", "id", s.items.iter().map(|x| x.id.as_str()).collect()),
            ("locations", "id", s.locations.iter().map(|x| x.id.as_str()).collect()),
            ("suppliers", "id", s.suppliers.iter().map(|x| x.id.as_str()).collect()),
            ("lanes", "id", s.lanes.iter().map(|x| x.id.as_str()).collect()),
            ("segments", "id", s.segments.iter().map(|x| x.id.as_str()).collect()),
            ("policies", "name", s.policies.iter().map(|x| x.name.as_str()).collect()),
        ];
        for (list, field, names) in lists {
            for (i, name) in names.iter().enumerate() {
                self.check_name(&format!("{list}[{i}].{field}"), name);
            }
        }
        for (i, p) in s.policies.iter().enumerate() {
            let stem = file_stem(&p.name);
            let earlier = s.policies[..i].iter().find(|q| q.name != p.name && file_stem(&q.name) == stem);
            if let Some(q) = earlier {
                self.problem(
                    format!("policies[{i}].name"),
                    format!(
                        "{:?} and {:?} give the same file name {stem:?} (letters, digits and - are kept, anything else becomes _); rename one",
                        p.name, q.name
                    ),
                );
            }
        }
    }
}
