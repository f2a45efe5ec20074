//! The JSON documents Terraform writes, as borrowed serde types.
//!
//! In: the text of a plan (`terraform show -json PLANFILE`), a state rendered by
//! `terraform show -json`, or a raw `terraform.tfstate` (v4, and the legacy v3
//! `modules` layout). Out: typed structs that borrow strings from the text. Parts
//! that are often not needed (`before` values, `planned_values` duplicates of
//! `resource_changes`) stay as raw JSON slices and are parsed only on demand.
//! One top-level visitor reads every format, so kind detection costs no second pass.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::address::Key;
use crate::model::value::{Str, Value};

/// Prefix of the serde error message raised when a document declares a
/// `format_version` we do not read; the loader turns it into its own error.
pub(crate) const UNSUPPORTED_FORMAT: &str = "envwall: unsupported format_version ";

/// Every top-level key envwall reads, from any of the formats.
#[derive(Default)]
pub(crate) struct RawDoc<'a> {
    pub format_version: Option<Str<'a>>,
    pub terraform_version: Option<Str<'a>>,
    pub variables: Option<BTreeMap<Str<'a>, RawVariable<'a>>>,
    pub planned_values: Option<RawValues<'a>>,
    pub resource_changes: Option<Vec<RawResourceChange<'a>>>,
    pub prior_state: Option<RawState<'a>>,
    pub configuration: Option<RawConfig<'a>>,
    /// `terraform show -json` of a state.
    pub values: Option<RawValues<'a>>,
    /// Raw state: `version`, `serial`, `lineage`, `resources` / `modules`.
    pub version: Option<&'a RawValue>,
    pub serial: Option<&'a RawValue>,
    pub lineage: Option<&'a RawValue>,
    pub resources: Option<Vec<RawV4Resource<'a>>>,
    pub modules: Option<Vec<RawV3Module<'a>>>,
    /// Every top-level key, for the "not Terraform output" message.
    pub keys: Vec<Str<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawDoc<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DocVisitor(std::marker::PhantomData))
    }
}

struct DocVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for DocVisitor<'a> {
    type Value = RawDoc<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object written by Terraform")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut doc = RawDoc::default();
        while let Some(key) = map.next_key::<Str<'a>>()? {
            match &*key {
                "format_version" => {
                    let v: Str<'a> = map.next_value()?;
                    if !format_version_supported(&v) {
                        return Err(de::Error::custom(format!("{UNSUPPORTED_FORMAT}{}", &*v)));
                    }
                    doc.format_version = Some(v);
                }
                "terraform_version" => doc.terraform_version = map.next_value()?,
                "variables" => doc.variables = map.next_value()?,
                "planned_values" => doc.planned_values = map.next_value()?,
                "resource_changes" => doc.resource_changes = map.next_value()?,
                "prior_state" => doc.prior_state = map.next_value()?,
                "configuration" => doc.configuration = map.next_value()?,
                "values" => doc.values = map.next_value()?,
                "version" => doc.version = Some(map.next_value()?),
                "serial" => doc.serial = Some(map.next_value()?),
                "lineage" => doc.lineage = Some(map.next_value()?),
                "resources" => doc.resources = map.next_value()?,
                "modules" => doc.modules = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            doc.keys.push(key);
        }
        Ok(doc)
    }
}

/// Terraform's JSON formats promise compatibility within a major version; 0.x
/// (Terraform 0.12–0.15) and 1.x are read.
pub(crate) fn format_version_supported(v: &str) -> bool {
    matches!(v.split('.').next(), Some("0" | "1"))
}

#[derive(Deserialize)]
pub(crate) struct RawVariable<'a> {
    #[serde(borrow, default)]
    pub value: Value<'a>,
}

/// `planned_values`, `prior_state.values`, or a state's `values`.
#[derive(Deserialize, Default)]
pub(crate) struct RawValues<'a> {
    #[serde(borrow, default)]
    pub root_module: Option<RawModuleValues<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawState<'a> {
    #[serde(borrow, default)]
    pub values: Option<RawValues<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawModuleValues<'a> {
    #[serde(borrow, default)]
    pub resources: Vec<RawResourceValues<'a>>,
    #[serde(borrow, default)]
    pub child_modules: Vec<RawModuleValues<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawResourceValues<'a> {
    #[serde(borrow)]
    pub address: Str<'a>,
    #[serde(borrow, default)]
    pub provider_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub values: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub sensitive_values: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub depends_on: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub deposed_key: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawResourceChange<'a> {
    #[serde(borrow)]
    pub address: Str<'a>,
    #[serde(borrow, default)]
    pub provider_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub deposed: Option<Str<'a>>,
    #[serde(borrow)]
    pub change: RawChange<'a>,
}

#[derive(Deserialize)]
pub(crate) struct RawChange<'a> {
    #[serde(borrow)]
    pub actions: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub before: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub after: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub after_unknown: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub before_sensitive: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub after_sensitive: Option<Value<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawConfig<'a> {
    #[serde(borrow, default)]
    pub provider_config: BTreeMap<Str<'a>, RawProviderConfig<'a>>,
    #[serde(borrow, default)]
    pub root_module: Option<RawConfigModule<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawProviderConfig<'a> {
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub full_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub alias: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub expressions: Option<Value<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawConfigModule<'a> {
    #[serde(borrow, default)]
    pub outputs: BTreeMap<Str<'a>, RawOutput<'a>>,
    #[serde(borrow, default)]
    pub resources: Vec<RawConfigResource<'a>>,
    #[serde(borrow, default)]
    pub module_calls: BTreeMap<Str<'a>, RawModuleCall<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawOutput<'a> {
    #[serde(borrow, default)]
    pub expression: Option<Value<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawConfigResource<'a> {
    #[serde(borrow, default)]
    pub mode: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub provider_config_key: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    pub kind: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow, default)]
    pub expressions: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub for_each_expression: Option<Value<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawModuleCall<'a> {
    #[serde(borrow, default)]
    pub expressions: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub for_each_expression: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub module: Option<RawConfigModule<'a>>,
}

/// A raw state v4 resource (`resources[]`), grouping its instances.
#[derive(Deserialize)]
pub(crate) struct RawV4Resource<'a> {
    #[serde(borrow, default)]
    pub module: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub mode: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    pub kind: Str<'a>,
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(borrow, default)]
    pub provider: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub instances: Vec<RawV4Instance<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawV4Instance<'a> {
    #[serde(default)]
    pub index_key: Option<Key>,
    #[serde(borrow, default)]
    pub deposed: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub attributes: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub attributes_flat: Option<BTreeMap<Str<'a>, Str<'a>>>,
    #[serde(borrow, default)]
    pub sensitive_attributes: Option<Value<'a>>,
    #[serde(borrow, default)]
    pub dependencies: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub depends_on: Vec<Str<'a>>,
}

/// A legacy (Terraform ≤ 0.11) state module.
#[derive(Deserialize)]
pub(crate) struct RawV3Module<'a> {
    #[serde(borrow, default)]
    pub path: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub resources: BTreeMap<Str<'a>, RawV3Resource<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawV3Resource<'a> {
    #[serde(borrow, rename = "type", default)]
    pub kind: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub depends_on: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub primary: Option<RawV3Instance<'a>>,
    #[serde(borrow, default)]
    pub provider: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawV3Instance<'a> {
    #[serde(borrow, default)]
    pub attributes: BTreeMap<Str<'a>, Str<'a>>,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an instance key (a number or a string)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                i64::try_from(v).map(Key::Int).map_err(|_| E::custom("instance index out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key::Str(v.into()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}
