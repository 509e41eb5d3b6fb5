//! Allocator families: which functions allocate, reallocate and release blocks, and which
//! release goes with which allocation. One table, data only; a project adds its own
//! families through [`AnalysisSettings::extra_families`].

use std::collections::HashMap;

use crate::ir::Callee;
use crate::settings::{AllocatorFamily, AnalysisSettings};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FamilyId(pub u16);

/// What a function does to blocks of its family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Returns a fresh block, or NULL when it fails.
    Allocate,
    /// `(block, size) -> block or NULL`; the old block survives a failure.
    Reallocate,
    /// Releases the block passed as its first argument (NULL is allowed).
    Release,
    /// Stores a fresh block through the address its first argument names and returns 0,
    /// or returns an error number and stores nothing (`posix_memalign(&p, alignment,
    /// size)`): the test of what it returns is the block's NULL check.
    AllocateThrough,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    /// Shown in messages: `libc`, `PyMem`.
    pub name: String,
    pub allocators: Vec<String>,
    pub reallocators: Vec<String>,
    pub deallocators: Vec<String>,
    /// Allocators that store the block through their first argument and return a status
    /// ([`Role::AllocateThrough`]).
    pub status_allocators: Vec<String>,
    /// Whether the allocator never returns NULL (C++ `new` throws instead).
    pub never_null: bool,
}

impl Family {
    fn new(name: &str, allocators: &[&str], reallocators: &[&str], deallocators: &[&str]) -> Self {
        let owned = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        Family {
            name: name.to_string(),
            allocators: owned(allocators),
            reallocators: owned(reallocators),
            deallocators: owned(deallocators),
            status_allocators: Vec::new(),
            never_null: false,
        }
    }

    /// The deallocator to name in a fix.
    pub fn deallocator(&self) -> &str {
        self.deallocators.first().map_or("", String::as_str)
    }
}

/// The built-in families and any a project configured.
#[derive(Clone, Debug)]
pub struct FamilyTable {
    families: Vec<Family>,
    // Asked for every call the analysis meets: FNV, not SipHash.
    by_function: HashMap<String, (FamilyId, Role), crate::ir::FnvBuild>,
}

/// C++ `new T` / `del p`: always this family.
pub const CPP: FamilyId = FamilyId(4);

impl FamilyTable {
    pub fn builtin() -> FamilyTable {
        let mut cpp = Family::new("C++ new/del", &["new"], &[], &["del"]);
        cpp.never_null = true;
        let mut libc = Family::new(
            "libc",
            &["malloc", "calloc", "aligned_alloc", "strdup", "strndup"],
            &["realloc"],
            &["free"],
        );
        libc.status_allocators = vec!["posix_memalign".to_string()];
        let families = vec![
            libc,
            Family::new(
                "PyMem",
                &["PyMem_Malloc", "PyMem_Calloc", "PyMem_New"],
                &["PyMem_Realloc", "PyMem_Resize"],
                &["PyMem_Free", "PyMem_Del"],
            ),
            Family::new(
                "PyMem_Raw",
                &["PyMem_RawMalloc", "PyMem_RawCalloc"],
                &["PyMem_RawRealloc"],
                &["PyMem_RawFree"],
            ),
            Family::new(
                "PyObject",
                &["PyObject_Malloc", "PyObject_Calloc"],
                &["PyObject_Realloc"],
                &["PyObject_Free"],
            ),
            cpp,
        ];
        let mut table = FamilyTable {
            families: Vec::new(),
            by_function: HashMap::default(),
        };
        for family in families {
            table.add(family);
        }
        debug_assert_eq!(table.families[CPP.0 as usize].name, "C++ new/del");
        table
    }

    /// The built-in table plus the project's families; a project family that names a
    /// built-in function takes it over.
    pub fn for_settings(settings: &AnalysisSettings) -> FamilyTable {
        let mut table = FamilyTable::builtin();
        for extra in &settings.extra_families {
            table.add(from_settings(extra));
        }
        table
    }

    fn add(&mut self, family: Family) {
        let id = FamilyId(self.families.len() as u16);
        let roles = [
            (&family.allocators, Role::Allocate),
            (&family.reallocators, Role::Reallocate),
            (&family.deallocators, Role::Release),
            (&family.status_allocators, Role::AllocateThrough),
        ];
        for (names, role) in roles {
            for name in names {
                // The C++ operators are not callable names.
                if id != CPP {
                    self.by_function.insert(name.clone(), (id, role));
                }
            }
        }
        self.families.push(family);
    }

    /// Every allocator, reallocator and deallocator name in the table.
    pub fn function_names(&self) -> std::collections::HashSet<String> {
        self.by_function.keys().cloned().collect()
    }

    /// Every family, by id.
    pub fn families(&self) -> &[Family] {
        &self.families
    }

    pub fn family(&self, id: FamilyId) -> &Family {
        &self.families[id.0 as usize]
    }

    /// What a call does to blocks. `Unbound` names count only where a file may use
    /// cimports it does not spell out (`unbound_names_resolve`: a .pyx with a .pxd, a .pxi).
    pub fn classify(
        &self,
        callee: &Callee,
        unbound_names_resolve: bool,
    ) -> Option<(FamilyId, Role)> {
        match callee {
            Callee::External { name, .. } => self.by_function.get(name).copied(),
            Callee::Unbound(name) if unbound_names_resolve => self.by_function.get(name).copied(),
            Callee::CppNew => Some((CPP, Role::Allocate)),
            _ => None,
        }
    }
}

fn from_settings(family: &AllocatorFamily) -> Family {
    Family {
        name: family.name.clone(),
        allocators: family.allocators.clone(),
        reallocators: family.reallocators.clone(),
        deallocators: family.deallocators.clone(),
        status_allocators: Vec::new(),
        never_null: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn external(name: &str) -> Callee {
        Callee::External {
            name: name.to_string(),
            module: Some("libc.stdlib".to_string()),
        }
    }

    #[test]
    fn builtin_families_know_their_functions() {
        let table = FamilyTable::builtin();
        let (libc, role) = table.classify(&external("malloc"), false).unwrap();
        assert_eq!(
            (table.family(libc).name.as_str(), role),
            ("libc", Role::Allocate)
        );
        let (pymem, role) = table.classify(&external("PyMem_Free"), false).unwrap();
        assert_eq!(
            (table.family(pymem).name.as_str(), role),
            ("PyMem", Role::Release)
        );
        let (raw, role) = table
            .classify(&external("PyMem_RawRealloc"), false)
            .unwrap();
        assert_eq!(
            (table.family(raw).name.as_str(), role),
            ("PyMem_Raw", Role::Reallocate)
        );
        assert_eq!(
            table.classify(&Callee::CppNew, false),
            Some((CPP, Role::Allocate))
        );
        let (aligned, role) = table.classify(&external("posix_memalign"), false).unwrap();
        assert_eq!(
            (table.family(aligned).name.as_str(), role),
            ("libc", Role::AllocateThrough)
        );
    }

    #[test]
    fn unbound_names_resolve_only_when_allowed() {
        let table = FamilyTable::builtin();
        let free = Callee::Unbound("free".to_string());
        assert!(table.classify(&free, false).is_none());
        assert!(table.classify(&free, true).is_some());
        assert!(table.classify(&Callee::Unknown, true).is_none());
    }

    #[test]
    fn project_families_are_added() {
        let settings = AnalysisSettings {
            extra_families: vec![AllocatorFamily {
                name: "sig".to_string(),
                allocators: vec!["sig_malloc".to_string()],
                reallocators: vec!["sig_realloc".to_string()],
                deallocators: vec!["sig_free".to_string()],
            }],
        };
        let table = FamilyTable::for_settings(&settings);
        let (sig, role) = table.classify(&external("sig_free"), false).unwrap();
        assert_eq!(
            (table.family(sig).name.as_str(), role),
            ("sig", Role::Release)
        );
    }
}
