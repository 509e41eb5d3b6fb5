//! The buffer protocol's pair of methods: `__getbuffer__` fills in the `Py_buffer` a
//! consumer hands it, and `__releasebuffer__` runs when that consumer is done with it. A
//! block `__getbuffer__` allocates and leaves only in the buffer's fields (`buffer.shape =
//! shape`, `buffer.internal = state`) is the buffer's, for `__releasebuffer__` to free,
//! as a block `__cinit__` stores in an attribute is `__dealloc__`'s: the pair is read like
//! that one, for the buffer's fields.

use crate::ir::{Function, Place, PlaceId, Projection};
use crate::ownership::{AttributeOrigin, OwnershipGraph, SiteOrigin, SiteStates, Target};

/// A block `__getbuffer__` allocates and leaves in fields of the buffer it fills in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedBlock {
    /// The name `__getbuffer__` gives the buffer (`buffer`, `view`, `info`).
    pub parameter: String,
    /// The buffer's fields that hold it where `__getbuffer__` returns (`shape`, and
    /// `strides` when it points into the same block), in order.
    pub fields: Vec<String>,
    pub origin: AttributeOrigin,
}

/// The `Py_buffer*` parameter of a buffer-protocol method (`__getbuffer__(self, Py_buffer*
/// buffer, int flags)`, `__releasebuffer__(self, Py_buffer* buffer)`): the one after
/// `self`, whatever its name.
pub fn buffer_parameter(function: &Function) -> Option<&str> {
    let is_protocol = matches!(
        function.name.as_str(),
        "__getbuffer__" | "__releasebuffer__"
    );
    (is_protocol && function.class.is_some())
        .then(|| function.params.get(1).map(String::as_str))
        .flatten()
}

/// The field of the buffer a place is (`buffer.shape` -> `shape`).
pub fn buffer_field<'f>(function: &'f Function, place: &'f Place) -> Option<&'f str> {
    let parameter = buffer_parameter(function)?;
    match place.path.as_slice() {
        [Projection::Field(field)] if place.root == parameter => Some(field.as_str()),
        _ => None,
    }
}

/// The blocks a `__getbuffer__` allocates and leaves, where it returns, in its buffer's
/// fields and nowhere that outlives the call besides (not in an attribute of `self`, not
/// in another parameter's field): those are the buffer's. A path that raises is not read
/// (Cython does not call `__releasebuffer__` for a buffer whose `__getbuffer__` failed).
pub fn exported_blocks(getbuffer: &OwnershipGraph<'_>) -> Vec<ExportedBlock> {
    let function = getbuffer.function;
    let Some(parameter) = buffer_parameter(function).filter(|_| function.name == "__getbuffer__")
    else {
        return Vec::new();
    };
    let Some(returning) = &getbuffer.returning else {
        return Vec::new();
    };
    let mut blocks: Vec<(crate::ownership::SiteId, ExportedBlock)> = Vec::new();
    let mut kept_elsewhere = Vec::new();
    for (place_id, targets) in returning.points() {
        let place = function.place(place_id);
        let field = buffer_field(function, place);
        // Locals die with the call; anything else that holds the block keeps it.
        let outlives = field.is_none()
            && (place.root == "self"
                || function.params.contains(&place.root)
                || is_global(function, place_id));
        for target in targets {
            let Target::Site(site_id) = target else {
                continue;
            };
            if outlives {
                kept_elsewhere.push(*site_id);
                continue;
            }
            let Some(field) = field else {
                continue;
            };
            let site = getbuffer.site(*site_id);
            let (SiteOrigin::Call(_), Some(family), Some(span)) =
                (site.origin, site.family, site.span)
            else {
                continue;
            };
            let states = returning.site(*site_id);
            if !(states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NON_NULL))
                || states.contains(SiteStates::FREED)
            {
                continue;
            }
            match blocks.iter_mut().find(|(known, _)| known == site_id) {
                Some((_, block)) => {
                    if !block.fields.iter().any(|known| known == field) {
                        block.fields.push(field.to_string());
                    }
                }
                None => blocks.push((
                    *site_id,
                    ExportedBlock {
                        parameter: parameter.to_string(),
                        fields: vec![field.to_string()],
                        origin: AttributeOrigin {
                            family,
                            callee: site.callee.clone(),
                            span,
                        },
                    },
                )),
            }
        }
    }
    blocks
        .into_iter()
        .filter(|(site, _)| !kept_elsewhere.contains(site))
        .map(|(_, block)| block)
        .collect()
}

/// Whether a place is a module-level name the function declares `global`.
fn is_global(function: &Function, place: PlaceId) -> bool {
    let place = function.place(place);
    function.globals.contains(&place.root)
}
