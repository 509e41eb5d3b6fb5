//! The Python C-API's capsule functions (`cpython.pycapsule`), which cysafe knows by name
//! wherever they are declared (cimported, or in a file's own `cdef extern` block): one
//! table for the lowering (whose destructor a capsule has, which `const` parameter hands
//! its block off) and the ownership analysis (whose block a capsule owns, which pointer a
//! destructor releases, which arguments may be NULL). It names functions only; what a
//! block handed to one means for ownership is the ownership layer's.

/// What one capsule function does with the pointers it is given.
pub struct CapsuleFunction {
    pub name: &'static str,
    /// `PyCapsule_New(pointer, name, destructor)`: the capsule holds `pointer` for its
    /// life, and the function at this argument (when it is not NULL) gets the capsule
    /// when it dies, to release it.
    pub destructor: Option<usize>,
    /// `PyCapsule_GetPointer(capsule, name)`: gives back the pointer the capsule holds.
    pub gives_pointer: bool,
    /// Keeps the block its `const char*` name points at for the capsule's life: passing
    /// a block there hands it off, `const` or not.
    pub keeps_name: bool,
    /// Accepts NULL for its pointer arguments (a NULL name or context is allowed; a NULL
    /// pointer raises `ValueError`): passing an unchecked block reads nothing through it.
    pub null_tolerant: bool,
}

const CAPSULE_FUNCTIONS: [CapsuleFunction; 4] = [
    CapsuleFunction {
        name: "PyCapsule_New",
        destructor: Some(2),
        gives_pointer: false,
        keeps_name: true,
        null_tolerant: true,
    },
    CapsuleFunction {
        name: "PyCapsule_GetPointer",
        destructor: None,
        gives_pointer: true,
        keeps_name: false,
        null_tolerant: false,
    },
    CapsuleFunction {
        name: "PyCapsule_SetName",
        destructor: None,
        gives_pointer: false,
        keeps_name: true,
        null_tolerant: true,
    },
    CapsuleFunction {
        name: "PyCapsule_SetContext",
        destructor: None,
        gives_pointer: false,
        keeps_name: false,
        null_tolerant: true,
    },
];

/// The capsule function a C name means, if it is one.
pub fn capsule_function(name: &str) -> Option<&'static CapsuleFunction> {
    if !name.starts_with("PyCapsule_") {
        return None;
    }
    CAPSULE_FUNCTIONS
        .iter()
        .find(|function| function.name == name)
}

/// The argument of a capsule's destructor, when `name` makes capsules.
pub fn capsule_destructor(name: &str) -> Option<usize> {
    capsule_function(name).and_then(|function| function.destructor)
}

/// Whether `name` gives back the pointer a capsule holds.
pub fn gives_capsule_pointer(name: &str) -> bool {
    capsule_function(name).is_some_and(|function| function.gives_pointer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_functions_are_capsule_functions() {
        assert_eq!(capsule_destructor("PyCapsule_New"), Some(2));
        assert_eq!(capsule_destructor("PyCapsule_SetName"), None);
        assert!(gives_capsule_pointer("PyCapsule_GetPointer"));
        assert!(!gives_capsule_pointer("PyCapsule_GetContext"));
        for name in ["PyCapsule_Import", "PyCapsule_new", "malloc", "PyCapsule_"] {
            assert!(capsule_function(name).is_none(), "{name}");
        }
        let keeps: Vec<&str> = CAPSULE_FUNCTIONS
            .iter()
            .filter(|function| function.keeps_name)
            .map(|function| function.name)
            .collect();
        assert_eq!(keeps, ["PyCapsule_New", "PyCapsule_SetName"]);
    }
}
