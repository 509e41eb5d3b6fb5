//! Functions handed a block's release to call later: a capsule's destructor
//! (`PyCapsule_New(p, name, destroy)`), a Cython array's `callback_free_data`. Which
//! family such a function releases with, when that is certain, so that CY002 can compare
//! it with the block's.

use crate::ir::capsules::gives_capsule_pointer;
use crate::ir::{CallbackHolder, Callee, Function, Place, PlaceId, Stmt, Value};
use crate::ownership::families::{FamilyId, Role};
use crate::ownership::summary::Summary;
use crate::ownership::Context;

/// What a call does to blocks by its own name (`free`: releases them), as the dataflow
/// classifies it.
pub(super) type Classify<'c> = dyn Fn(&Callee) -> Option<(FamilyId, Role)> + 'c;

/// For each of the function's release callbacks, the family its function releases the
/// block with and that release's function, when certain.
pub(super) fn callback_releases(
    function: &Function,
    classify: &Classify<'_>,
    context: &Context<'_>,
) -> Vec<Option<(FamilyId, String)>> {
    function
        .release_callbacks
        .iter()
        .map(|callback| {
            let summary = context.summary_of(&callback.function, &[]);
            match callback.holder {
                // The destructor receives the capsule, not the pointer.
                CallbackHolder::Capsule(_) => {
                    summary.and_then(|summary| summary.releases_capsule_pointer.clone())
                }
                CallbackHolder::ArrayData(_) => match classify(&callback.function) {
                    Some((family, Role::Release)) => {
                        Some((family, callback.function.display_name().to_string()))
                    }
                    Some(_) => None,
                    None => summary
                        .and_then(releases_first_parameter)
                        .map(|family| (family, callback.function.display_name().to_string())),
                },
            }
        })
        .collect()
}

/// The family a helper releases its first parameter itself with on every path (not a
/// field of it, not the block it points at).
fn releases_first_parameter(summary: &Summary) -> Option<FamilyId> {
    summary
        .releases
        .iter()
        .find(|release| release.param == 0 && release.field.is_none() && !release.slot)
        .and_then(|release| release.family)
}

/// For a capsule destructor (`cdef void destroy(object capsule) noexcept`), how it
/// releases the pointer `PyCapsule_GetPointer` gives back of its first parameter: the
/// family and the releasing function's name, when every such release in it (directly,
/// `free(PyCapsule_GetPointer(capsule, name))`, or through a local holding nothing else,
/// or a helper whose summary releases that argument) is of one family.
pub(super) fn capsule_pointer_release(
    function: &Function,
    classify: &Classify<'_>,
    context: &Context<'_>,
) -> Option<(FamilyId, String)> {
    let capsule = function.place_id(&Place::local(function.params.first()?))?;
    // Most functions are no destructor: they never ask a capsule for its pointer.
    let asks_capsule = function.calls.iter().any(|call| {
        gives_capsule_pointer(call.callee.display_name())
            && call.args.first() == Some(&Value::Place(capsule))
    });
    if !asks_capsule {
        return None;
    }
    let gets_pointer = |value: &Value| match value {
        Value::Call(call) => {
            let call = function.call(*call);
            gives_capsule_pointer(call.callee.display_name())
                && call.args.first() == Some(&Value::Place(capsule))
        }
        _ => false,
    };
    // Locals that hold the capsule's pointer and nothing else.
    let mut holders: Vec<PlaceId> = Vec::new();
    let mut disqualified: Vec<PlaceId> = Vec::new();
    for stmt in function.blocks.iter().flat_map(|block| &block.stmts) {
        match stmt {
            Stmt::Assign { target, value, .. } => {
                let place = function.place(*target);
                let local = place.path.is_empty()
                    && !function.params.contains(&place.root)
                    && !function.is_global(&place.root);
                if local && gets_pointer(value) {
                    holders.push(*target);
                } else if !matches!(value, Value::Null) {
                    disqualified.push(*target);
                }
            }
            Stmt::AddressTaken { place } => disqualified.push(*place),
            _ => {}
        }
    }
    holders.retain(|holder| !disqualified.contains(holder));
    let holds_pointer = |value: &Value| {
        gets_pointer(value) || matches!(value, Value::Place(place) if holders.contains(place))
    };
    let mut found: Option<(FamilyId, String)> = None;
    for call in &function.calls {
        // `Some(None)`: released with one family or another, depending on the arguments.
        let release: Option<Option<FamilyId>> = match classify(&call.callee) {
            Some((family, Role::Release)) => call
                .args
                .first()
                .filter(|argument| holds_pointer(argument))
                .map(|_| Some(family)),
            Some(_) => None,
            None => context
                .summary_of(&call.callee, &[])
                .and_then(|summary| {
                    summary.releases.iter().find(|release| {
                        release.field.is_none()
                            && !release.slot
                            && call.args.get(release.param).is_some_and(&holds_pointer)
                    })
                })
                .map(|release| release.family),
        };
        let Some(release) = release else { continue };
        let family = release?;
        match &found {
            Some((known, _)) if *known != family => return None,
            Some(_) => {}
            None => found = Some((family, call.callee.display_name().to_string())),
        }
    }
    found
}
