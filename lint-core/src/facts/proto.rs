//! What the workspace's `.proto` files declare of its gRPC methods: whether each one has
//! side effects (`option idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT`) and which
//! message it takes. A call on a generated client is judged by its contract where the
//! workspace has one, and by the verbs of its name otherwise (SPEC §3a).
//!
//! Each file is parsed on its own, syntax only (protox-parse): imports are not followed
//! and nothing outside the workspace is read. A file that does not parse is named in
//! [`GrpcContracts::unread`] and its methods are judged by their names.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use prost_types::MethodDescriptorProto;

use super::contract_files::{SchemaSource, SchemaSourceKind};
use super::{DownstreamCall, DownstreamKind};

/// What a method declares of its side effects (`google.protobuf.MethodOptions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdempotencyLevel {
    /// `NO_SIDE_EFFECTS`: a read.
    NoSideEffects,
    /// `IDEMPOTENT`: has side effects, and the same call twice leaves them as once.
    Idempotent,
    /// `IDEMPOTENCY_UNKNOWN`, the default: the name decides.
    Unknown,
}

impl IdempotencyLevel {
    fn named(identifier: &str) -> Option<IdempotencyLevel> {
        match identifier {
            "NO_SIDE_EFFECTS" => Some(IdempotencyLevel::NoSideEffects),
            "IDEMPOTENT" => Some(IdempotencyLevel::Idempotent),
            "IDEMPOTENCY_UNKNOWN" => Some(IdempotencyLevel::Unknown),
            _ => None,
        }
    }

    /// Whether a retry of the call is harmless; `None` when the level leaves it open.
    pub fn idempotent(self) -> Option<bool> {
        match self {
            IdempotencyLevel::NoSideEffects | IdempotencyLevel::Idempotent => Some(true),
            IdempotencyLevel::Unknown => None,
        }
    }

    pub fn as_proto(self) -> &'static str {
        match self {
            IdempotencyLevel::NoSideEffects => "NO_SIDE_EFFECTS",
            IdempotencyLevel::Idempotent => "IDEMPOTENT",
            IdempotencyLevel::Unknown => "IDEMPOTENCY_UNKNOWN",
        }
    }
}

/// One `rpc` of a `service`, as its file declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtoMethod {
    /// The file's package (`billing.v1`), empty when it declares none.
    pub package: String,
    pub service: String,
    /// As declared: `CreateCharge`.
    pub name: String,
    pub level: IdempotencyLevel,
    /// The request message as the generated Rust code names it: `CreateChargeRequest`.
    pub input: String,
    /// The `.proto` file, as files are shown.
    pub file: String,
}

/// A field of a message, as the generated Rust code names it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ProtoField {
    /// `event_id`.
    name: String,
    /// The message it holds (`Event`, for `repeated Event events`), if it holds one.
    message: Option<String>,
}

/// A `.proto` file that does not parse, where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadProto {
    pub file: String,
    pub message: String,
    /// 1-based, as findings count; the start of the file when the parser names no place.
    pub line: u32,
    pub column: u32,
}

/// The gRPC contracts of a workspace.
#[derive(Debug, Default)]
pub struct GrpcContracts {
    /// By service name as the generated client spells it (`Payments` for
    /// `PaymentsClient`) and method name in snake case (`create_charge`).
    methods: BTreeMap<(String, String), Vec<ProtoMethod>>,
    /// The fields of each message, by the message's name as the generated code spells it.
    messages: BTreeMap<String, Vec<Vec<ProtoField>>>,
    /// Files that could not be read: each is a `parse-error`.
    pub unread: Vec<UnreadProto>,
    /// `.proto` files read.
    pub files: usize,
}

impl GrpcContracts {
    pub fn build(sources: &[SchemaSource]) -> GrpcContracts {
        let mut contracts = GrpcContracts::default();
        for source in sources
            .iter()
            .filter(|source| source.kind == SchemaSourceKind::Proto)
        {
            if let Some(cause) = too_deep(&source.text) {
                contracts.unread.push(UnreadProto {
                    file: source.display_path.clone(),
                    message: format!("{cause}: its gRPC methods are judged by their names"),
                    line: 1,
                    column: 1,
                });
                continue;
            }
            match protox_parse::parse(&source.display_path, &source.text) {
                Ok(file) => {
                    contracts.files += 1;
                    let package = file.package.clone().unwrap_or_default();
                    contracts.add_messages(&file.message_type);
                    for service in &file.service {
                        let service_name = service.name.clone().unwrap_or_default();
                        for method in &service.method {
                            contracts.add(ProtoMethod {
                                package: package.clone(),
                                service: service_name.clone(),
                                name: method.name.clone().unwrap_or_default(),
                                level: level_of(method),
                                input: rust_message_name(method.input_type.as_deref()),
                                file: source.display_path.clone(),
                            });
                        }
                    }
                }
                Err(error) => {
                    let (line, column) = error
                        .span()
                        .map_or((1, 1), |span| line_and_column(&source.text, span.start));
                    contracts.unread.push(UnreadProto {
                        file: source.display_path.clone(),
                        message: format!(
                            "this .proto file does not parse ({error}): its gRPC methods are judged by their names"
                        ),
                        line,
                        column,
                    });
                }
            }
        }
        contracts
    }

    fn add_messages(&mut self, messages: &[prost_types::DescriptorProto]) {
        for message in messages {
            let fields = message
                .field
                .iter()
                .map(|field| ProtoField {
                    name: field.name.as_deref().unwrap_or_default().to_snake_case(),
                    // A field naming a type is a message or an enum; an enum's name never
                    // matches a message below.
                    message: field
                        .type_name
                        .as_deref()
                        .map(|type_name| rust_message_name(Some(type_name))),
                })
                .collect();
            self.messages
                .entry(
                    message
                        .name
                        .as_deref()
                        .unwrap_or_default()
                        .to_upper_camel_case(),
                )
                .or_default()
                .push(fields);
            self.add_messages(&message.nested_type);
        }
    }

    /// Whether the field `field` of the message `message` holds a message that identifies
    /// itself to the service: one with a key field (`event_id`, `idempotency_key`,
    /// `request_id`), or an event or message with its `id`. Forwarded from the request,
    /// the service can tell a retry by it.
    fn forwards_identity(&self, message: &str, field: &str) -> bool {
        let Some(declared) = self.messages.get(message) else {
            return false;
        };
        declared
            .iter()
            .flatten()
            .filter(|declared| declared.name == field)
            .filter_map(|declared| declared.message.as_deref())
            .any(|held| {
                let is_event = held.ends_with("Event") || held.ends_with("Message");
                self.messages.get(held).is_some_and(|shapes| {
                    shapes.iter().flatten().any(|inner| {
                        crate::knowledge::IDEMPOTENCY_FIELD_PARTS
                            .iter()
                            .chain(crate::knowledge::MESSAGE_ID_NAMES)
                            .any(|part| inner.name.contains(part))
                            || (is_event && inner.name == "id")
                    })
                })
            })
    }

    fn add(&mut self, method: ProtoMethod) {
        let key = (
            method.service.to_upper_camel_case(),
            method.name.to_snake_case(),
        );
        let found = self.methods.entry(key).or_default();
        if !found.contains(&method) {
            found.push(method);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.methods.is_empty()
    }

    /// The method a generated client calls: `client` is the client's type path as
    /// resolved (`[.., "billing", "v1", "payments_client", "PaymentsClient"]`), `method`
    /// the client's method (`create_charge`). Where several files declare a service of that
    /// name, the one whose package the path spells wins; `None` when none does or it stays
    /// ambiguous.
    pub fn method(&self, client: &[impl AsRef<str>], method: &str) -> Option<&ProtoMethod> {
        let type_name = client.last()?.as_ref();
        let service = type_name.strip_suffix("Client").unwrap_or(type_name);
        let found = self
            .methods
            .get(&(service.to_string(), method.to_string()))?;
        if let [only] = found.as_slice() {
            return Some(only);
        }
        let spelled: Vec<&ProtoMethod> = found
            .iter()
            .filter(|candidate| {
                let mut path = client.iter().map(AsRef::as_ref);
                candidate
                    .package
                    .split('.')
                    .filter(|segment| !segment.is_empty())
                    .all(|segment| path.any(|part| part == segment.to_snake_case()))
            })
            .collect();
        match spelled.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

impl GrpcContracts {
    /// A gRPC call as its contract settles it: the declared idempotency level decides
    /// whether it mutates (the verbs of its name decided otherwise), and only a key in the
    /// request message the method takes (or outside any message: the metadata) keys it.
    pub fn settle(&self, mut call: DownstreamCall) -> DownstreamCall {
        let DownstreamKind::Grpc {
            method,
            client,
            messages,
            key_outside_messages,
        } = &call.kind
        else {
            return call;
        };
        let Some(declared) = self.method(client, method) else {
            return call;
        };
        if let Some(idempotent) = declared.level.idempotent() {
            call.declared_idempotence = Some(idempotent);
        }
        call.has_key = *key_outside_messages
            || messages.iter().any(|message| {
                message.type_name == declared.input
                    && (message.keyed
                        || message
                            .given_fields
                            .iter()
                            .any(|field| self.forwards_identity(&declared.input, field)))
            });
        call
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (u32, u32) {
    let mut before = offset.min(text.len());
    while !text.is_char_boundary(before) {
        before -= 1;
    }
    let head = &text[..before];
    let line = head.matches('\n').count() + 1;
    let column = head.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// The parser recurses into nested messages and option values: a file nested deeper
/// than any hand-written one is refused before it is parsed, whatever thread reads it.
const MAX_NESTING: usize = 64;

fn too_deep(text: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if inner == '\\' {
                        escaped = true;
                    } else if inner == c || inner == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for inner in chars.by_ref() {
                    if inner == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for inner in chars.by_ref() {
                    if previous == '*' && inner == '/' {
                        break;
                    }
                    previous = inner;
                }
            }
            '{' | '[' | '<' | '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(format!("nested deeper than {MAX_NESTING} levels"));
                }
            }
            '}' | ']' | '>' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// `option idempotency_level = ..;` on the method. protox-parse leaves options
/// uninterpreted: the option is read from its name and identifier.
fn level_of(method: &MethodDescriptorProto) -> IdempotencyLevel {
    let Some(options) = &method.options else {
        return IdempotencyLevel::Unknown;
    };
    if let Some(level) = options.idempotency_level {
        return match level {
            1 => IdempotencyLevel::NoSideEffects,
            2 => IdempotencyLevel::Idempotent,
            _ => IdempotencyLevel::Unknown,
        };
    }
    options
        .uninterpreted_option
        .iter()
        .find(|option| {
            matches!(option.name.as_slice(), [part] if !part.is_extension && part.name_part == "idempotency_level")
        })
        .and_then(|option| option.identifier_value.as_deref())
        .and_then(IdempotencyLevel::named)
        .unwrap_or(IdempotencyLevel::Unknown)
}

/// `.billing.v1.Charge.Request` is `Request` in the generated code (in module `charge`),
/// as prost names types: the last segment, in upper camel case.
fn rust_message_name(input_type: Option<&str>) -> String {
    input_type
        .unwrap_or_default()
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> SchemaSource {
        SchemaSource {
            root: String::new(),
            display_path: path.to_string(),
            text: text.to_string(),
            kind: SchemaSourceKind::Proto,
        }
    }

    const PAYMENTS: &str = r#"
        syntax = "proto3";
        package acme.payments.v1;
        import "google/api/annotations.proto";
        service Payments {
          rpc GetCharge(GetChargeRequest) returns (Charge) {
            option idempotency_level = NO_SIDE_EFFECTS;
          }
          rpc CapturePayment(CapturePaymentRequest) returns (Charge) {
            option idempotency_level = IDEMPOTENT;
          }
          rpc ValidateAndReserve(.acme.payments.v1.ReserveRequest) returns (Charge);
        }
        message GetChargeRequest { string id = 1; }
        message Charge { message Line { string sku = 1; } repeated Line lines = 1; }
    "#;

    #[test]
    fn reads_each_methods_level_and_request() {
        let contracts = GrpcContracts::build(&[source("proto/payments.proto", PAYMENTS)]);
        let client = [
            "acme",
            "payments",
            "v1",
            "payments_client",
            "PaymentsClient",
        ];
        let get = contracts.method(&client, "get_charge").expect("declared");
        assert_eq!(get.level, IdempotencyLevel::NoSideEffects);
        assert_eq!(get.input, "GetChargeRequest");
        let capture = contracts
            .method(&client, "capture_payment")
            .expect("declared");
        assert_eq!(capture.level, IdempotencyLevel::Idempotent);
        let reserve = contracts
            .method(&client, "validate_and_reserve")
            .expect("declared");
        assert_eq!(reserve.level, IdempotencyLevel::Unknown);
        assert_eq!(reserve.input, "ReserveRequest");
        assert!(contracts.method(&client, "refund").is_none());
        assert!(contracts.unread.is_empty());
    }

    #[test]
    fn the_package_the_client_path_spells_decides_between_services_of_one_name() {
        let other = r#"
            syntax = "proto3";
            package acme.legacy;
            service Payments { rpc GetCharge(GetChargeRequest) returns (Charge); }
        "#;
        let contracts = GrpcContracts::build(&[
            source("proto/payments.proto", PAYMENTS),
            source("proto/legacy.proto", other),
        ]);
        let v1 = [
            "acme",
            "payments",
            "v1",
            "payments_client",
            "PaymentsClient",
        ];
        let legacy = ["acme", "legacy", "payments_client", "PaymentsClient"];
        let unknown = ["payments_client", "PaymentsClient"];
        assert_eq!(
            contracts.method(&v1, "get_charge").map(|found| found.level),
            Some(IdempotencyLevel::NoSideEffects)
        );
        assert_eq!(
            contracts
                .method(&legacy, "get_charge")
                .map(|found| found.level),
            Some(IdempotencyLevel::Unknown)
        );
        assert!(contracts.method(&unknown, "get_charge").is_none());
    }

    #[test]
    fn a_file_that_does_not_parse_is_named_and_the_others_are_read() {
        let contracts = GrpcContracts::build(&[
            source("proto/broken.proto", "service Payments { rpc Get("),
            source("proto/payments.proto", PAYMENTS),
        ]);
        assert_eq!(contracts.files, 1);
        assert_eq!(contracts.unread.len(), 1);
        assert_eq!(contracts.unread[0].file, "proto/broken.proto");
        assert_eq!(contracts.unread[0].line, 1);
        assert!(!contracts.is_empty());
    }

    #[test]
    fn deeply_nested_messages_do_not_overflow() {
        let depth = 2_000;
        let mut text = String::from("syntax = \"proto3\";\n");
        for level in 0..depth {
            text.push_str(&format!("message M{level} {{\n"));
        }
        text.push_str(&"}\n".repeat(depth));
        let contracts = GrpcContracts::build(&[source("deep.proto", &text)]);
        assert_eq!(contracts.unread.len(), 1);
        assert!(contracts.unread[0].message.contains("nested deeper"));
        // Comments and strings do not count.
        let quoted = format!(
            "// {}\noption x = \"{}\";\n",
            "{".repeat(100),
            "[".repeat(100)
        );
        assert!(too_deep(&quoted).is_none());
    }
}
