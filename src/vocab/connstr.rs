//! Connection strings and endpoint settings, parsed into the endpoints they name.
//!
//! In: a setting's value (`postgresql://app:pw@db.stg.example.com:5432/orders`,
//! `Server=tcp:sql-prod.database.windows.net,1433;...`, a Kafka bootstrap list, a
//! Cloud SQL connection name). Out: the [`Endpoint`]s (scheme, host, port,
//! database) it points at (what reports may show of a value: [`super::mask`]), and which setting keys
//! hold one ([`endpoint_key`]).
//! Formats tried in order: Key Vault references, JDBC, URLs (with user
//! info and several hosts), `;`-separated key=value (ADO.NET, Npgsql, Azure Service
//! Bus / Storage / Cosmos DB), StackExchange.Redis, libpq key=value, Cloud SQL
//! connection names, host:port lists, bare hosts. Anything else gives no endpoint;
//! nothing here panics.

/// One endpoint a setting points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// The scheme or kind (`postgresql`, `redis`, `sqlserver`, `https`, `kafka`,
    /// `cloudsql`), lowercase, without a `+driver` suffix.
    pub scheme: Option<String>,
    /// Host name (lowercase, no trailing dot), IP address, or Cloud SQL connection name.
    pub host: String,
    /// Port, explicit or the scheme's default.
    pub port: Option<u16>,
    /// Database, vhost or entity, when the format names one.
    pub database: Option<String>,
}

impl Endpoint {
    /// `host:port`, or the host alone.
    pub fn address(&self) -> String {
        match self.port {
            Some(p)
                if self.host.contains(':')
                    && !self.host.starts_with('[')
                    && self.scheme.as_deref() != Some("cloudsql") =>
            {
                format!("[{}]:{p}", self.host)
            }
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    Some(match scheme {
        "postgres" | "postgresql" => 5432,
        "mysql" | "mariadb" | "mysql2" => 3306,
        "sqlserver" | "mssql" => 1433,
        "oracle" => 1521,
        "mongodb" => 27017,
        "redis" => 6379,
        "rediss" => 6380,
        "memcached" => 11211,
        "amqp" => 5672,
        "amqps" | "sb" => 5671,
        "kafka" => 9092,
        "cassandra" => 9042,
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        "nats" => 4222,
        "ldap" => 389,
        "ldaps" => 636,
        "smtp" => 25,
        _ => return None,
    })
}

/// Every endpoint `value` names. `bare_hosts` allows a bare `host` or `host:port`
/// (only sensible for settings whose key says they hold an endpoint).
pub fn parse(value: &str, bare_hosts: bool) -> Vec<Endpoint> {
    let v = value.trim();
    if v.is_empty() || v.len() > 8192 {
        return Vec::new();
    }
    if let Some(inner) = v.strip_prefix("@Microsoft.KeyVault(").and_then(|r| r.strip_suffix(')')) {
        return key_vault(inner);
    }
    if let Some(rest) = strip_prefix_ci(v, "jdbc:") {
        return jdbc(rest);
    }
    if let Some((scheme, rest)) = v.split_once("://")
        && is_scheme(scheme)
    {
        return url(&scheme.to_ascii_lowercase(), rest);
    }
    if v.contains(';') && v.contains('=') {
        return key_values(v);
    }
    let lower = v.to_ascii_lowercase();
    if !v.contains(';') && (lower.starts_with("host=") || lower.contains(" host=") || lower.contains("hostaddr=")) {
        return libpq(v);
    }
    if let Some(e) = cloud_sql(v) {
        return vec![e];
    }
    if v.contains(',') {
        // Kafka bootstrap servers, StackExchange.Redis: the items without `=`.
        let hosts: Vec<Endpoint> = v
            .split(',')
            .map(str::trim)
            .filter(|p| !p.contains('='))
            .filter_map(|p| host_port(strip_listener(p), None).filter(|e| looks_like_host(&e.host)))
            .collect();
        return hosts;
    }
    if bare_hosts {
        return host_port(strip_listener(v), None).filter(|e| looks_like_host(&e.host)).into_iter().collect();
    }
    Vec::new()
}

fn strip_prefix_ci<'v>(v: &'v str, prefix: &str) -> Option<&'v str> {
    (v.len() >= prefix.len() && v.is_char_boundary(prefix.len()) && v[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &v[prefix.len()..])
}

fn is_scheme(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `PLAINTEXT://host:9092` → `host:9092` (Kafka listener names).
fn strip_listener(p: &str) -> &str {
    p.split_once("://").map_or(p, |(_, rest)| rest)
}

/// Whether a string is a plausible DNS name or IP address.
pub fn looks_like_host(h: &str) -> bool {
    if h.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let labels: Vec<&str> = h.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2)
}

/// `host`, `host:port`, `[v6]:port`.
fn host_port(s: &str, scheme: Option<&str>) -> Option<Endpoint> {
    let s = s.trim().trim_end_matches('/');
    if s.is_empty() || s.starts_with('/') {
        return None;
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        (h, after.strip_prefix(':').and_then(|p| p.parse().ok()))
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => match p.parse::<u16>() {
                Ok(port) => (h, Some(port)),
                Err(_) => return None,
            },
            _ => (s, None),
        }
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host.contains(['/', '@', ' ', '\\']) {
        return None;
    }
    Some(Endpoint {
        scheme: scheme.map(str::to_owned),
        port: port.or_else(|| scheme.and_then(default_port)),
        host,
        database: None,
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn url(scheme: &str, rest: &str) -> Vec<Endpoint> {
    // `mongodb+srv` names a DNS SRV record: one host, no port.
    let srv = scheme.ends_with("+srv");
    let scheme = scheme.split('+').next().unwrap_or(scheme).to_owned();
    // A password may hold `/`: when user info is present (an `@` before the first
    // `/`), the authority starts after the last `@` before any query.
    let first_slash = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let start = match rest.find('@') {
        Some(first_at) if first_at < first_slash => {
            let pre = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
            pre.rfind('@').map_or(0, |at| at + 1)
        }
        _ => 0,
    };
    let end = rest[start..].find(['/', '?', '#']).map_or(rest.len(), |e| start + e);
    let authority = &rest[start..end];
    let after = &rest[end..];
    // User info may hold `@`, `:` or `/` in a password: split on the last `@`.
    let hosts_part = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let path = after.split(['?', '#']).next().unwrap_or("");
    let query = after.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(q)).unwrap_or("");
    let database = path.trim_start_matches('/').split('/').next().filter(|d| !d.is_empty()).map(percent_decode);
    let mut out: Vec<Endpoint> = Vec::new();
    for h in hosts_part.split(',') {
        if let Some(mut e) = host_port(h, Some(&scheme)) {
            if srv {
                e.port = None;
            }
            e.database = database.clone();
            out.push(e);
        }
    }
    // `postgresql:///db?host=...&port=...`
    if out.is_empty() {
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|kv| kv.split_once('=').filter(|(key, _)| *key == k).map(|(_, v)| percent_decode(v)))
        };
        if let Some(host) = param("host").filter(|h| !h.starts_with('/')) {
            let port = param("port").and_then(|p| p.parse().ok()).or_else(|| default_port(&scheme));
            out.push(Endpoint { scheme: Some(scheme.clone()), host: host.to_ascii_lowercase(), port, database });
        }
    }
    out
}

fn jdbc(rest: &str) -> Vec<Endpoint> {
    let lower = rest.to_ascii_lowercase();
    if let Some(r) = lower.strip_prefix("sqlserver://") {
        let original = &rest[rest.len() - r.len()..];
        let mut parts = original.split(';');
        let server = parts.next().unwrap_or("");
        let props: Vec<(String, String)> = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let prop = |k: &str| props.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let server = if server.is_empty() { prop("servername").unwrap_or_default() } else { server.to_owned() };
        let (host, port) = match server.split_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().ok()),
            None => (server, prop("portnumber").or_else(|| prop("port")).and_then(|p| p.parse().ok())),
        };
        let host = host.split('\\').next().unwrap_or("").to_ascii_lowercase();
        if host.is_empty() {
            return Vec::new();
        }
        let database = prop("databasename").or_else(|| prop("database"));
        return vec![Endpoint { scheme: Some("sqlserver".into()), host, port: port.or(Some(1433)), database }];
    }
    if let Some(r) = lower.strip_prefix("oracle:thin:@") {
        let original = &rest[rest.len() - r.len()..];
        if let Some(body) = original.strip_prefix("//") {
            let (hp, service) = body.split_once('/').unwrap_or((body, ""));
            let mut e = host_port(hp, Some("oracle")).into_iter().collect::<Vec<_>>();
            for x in &mut e {
                x.database = (!service.is_empty()).then(|| service.to_owned());
            }
            return e;
        }
        if original.starts_with('(') {
            let field = |name: &str| {
                let up = original.to_ascii_uppercase();
                let at = up.find(&format!("({name}="))? + name.len() + 2;
                let end = original[at..].find(')')? + at;
                Some(original[at..end].trim().to_owned())
            };
            let host = field("HOST").map(|h| h.to_ascii_lowercase());
            let port = field("PORT").and_then(|p| p.parse().ok());
            return host
                .map(|host| Endpoint {
                    scheme: Some("oracle".into()),
                    host,
                    port: port.or(Some(1521)),
                    database: field("SERVICE_NAME"),
                })
                .into_iter()
                .collect();
        }
        let mut parts = original.split(':');
        let host = parts.next().unwrap_or("").to_ascii_lowercase();
        let port = parts.next().and_then(|p| p.parse().ok());
        let sid = parts.next().map(str::to_owned);
        return (!host.is_empty())
            .then(|| Endpoint { scheme: Some("oracle".into()), host, port: port.or(Some(1521)), database: sid })
            .into_iter()
            .collect();
    }
    // jdbc:mysql:replication://h1,h2/db, jdbc:mariadb://, jdbc:postgresql://
    let Some((scheme, after)) = rest.split_once("://") else { return Vec::new() };
    let scheme = scheme.split(':').next().unwrap_or(scheme).to_ascii_lowercase();
    url(&scheme, after)
}

/// `Key=Value;...`: ADO.NET, Npgsql, MySqlConnector, Azure Service Bus, Storage,
/// Cosmos DB.
fn key_values(v: &str) -> Vec<Endpoint> {
    let pairs: Vec<(String, String)> = v
        .split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, val)| (k.trim().to_ascii_lowercase(), val.trim().trim_matches(['"', '\'']).to_owned()))
        .collect();
    let get = |keys: &[&str]| pairs.iter().find(|(k, _)| keys.contains(&k.as_str())).map(|(_, v)| v.clone());
    for key in ["endpoint", "accountendpoint", "blobendpoint", "ingestionendpoint"] {
        if let Some(u) = get(&[key])
            && let Some((scheme, rest)) = u.split_once("://")
        {
            let mut e = url(&scheme.to_ascii_lowercase(), rest);
            if let Some(entity) = get(&["entitypath"]) {
                for x in &mut e {
                    x.database = Some(entity.clone());
                }
            }
            return e;
        }
    }
    if let Some(account) = get(&["accountname"]) {
        let suffix = get(&["endpointsuffix"]).unwrap_or_else(|| "core.windows.net".to_owned());
        return vec![Endpoint {
            scheme: Some("https".into()),
            host: format!("{}.blob.{}", account.to_ascii_lowercase(), suffix.to_ascii_lowercase()),
            port: Some(443),
            database: None,
        }];
    }
    let Some(server) = get(&["server", "data source", "address", "addr", "network address", "host", "hostname"]) else {
        return Vec::new();
    };
    let database = get(&["database", "initial catalog", "dbname"]);
    let explicit_port = get(&["port"]).and_then(|p| p.parse().ok());
    let server = server.trim();
    let server = ["tcp:", "np:", "lpc:"].iter().find_map(|p| strip_prefix_ci(server, p)).unwrap_or(server);
    let mut out = Vec::new();
    for item in server.split(',') {
        // SQL Server writes the port after a comma: `host,1433`.
        if item.trim().parse::<u16>().is_ok() {
            if let Some(last) = out.last_mut() {
                let last: &mut Endpoint = last;
                last.port = item.trim().parse().ok();
            }
            continue;
        }
        let host = item.split('\\').next().unwrap_or("").trim();
        if host.is_empty() || matches!(host, "." | "(local)" | "localhost") {
            continue;
        }
        if let Some(mut e) = host_port(host, None) {
            e.port = e.port.or(explicit_port);
            e.database = database.clone();
            out.push(e);
        }
    }
    let sql = pairs.iter().any(|(k, _)| k == "initial catalog" || k == "data source")
        || server.contains(".database.windows.net");
    for e in &mut out {
        if sql {
            e.scheme = Some("sqlserver".into());
            e.port = e.port.or(Some(1433));
        }
    }
    out
}

/// `host=a,b port=5432 dbname=orders`, with `'quoted'` values.
fn libpq(v: &str) -> Vec<Endpoint> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut rest = v.trim();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, remaining) = if let Some(q) = after.strip_prefix('\'') {
            let mut out = String::new();
            let mut chars = q.char_indices();
            let mut end = q.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            out.push(n);
                        }
                    }
                    '\'' => {
                        end = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            (out, &q[end.min(q.len())..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (after[..end].to_owned(), &after[end..])
        };
        pairs.push((key, value));
        rest = remaining.trim_start();
    }
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let Some(hosts) = get("host").or_else(|| get("hostaddr")) else { return Vec::new() };
    if let Some(name) = hosts.strip_prefix("/cloudsql/") {
        return cloud_sql(name).into_iter().collect();
    }
    let ports: Vec<Option<u16>> =
        get("port").map(|p| p.split(',').map(|x| x.trim().parse().ok()).collect()).unwrap_or_default();
    hosts
        .split(',')
        .enumerate()
        .filter(|(_, h)| !h.starts_with('/') && !h.is_empty())
        .map(|(i, h)| Endpoint {
            scheme: Some("postgresql".into()),
            host: h.trim().to_ascii_lowercase(),
            port: ports.get(i).copied().flatten().or_else(|| ports.first().copied().flatten()).or(Some(5432)),
            database: get("dbname"),
        })
        .collect()
}

/// `project:region:instance` or `domain:project:region:instance`.
fn cloud_sql(v: &str) -> Option<Endpoint> {
    let parts: Vec<&str> = v.split(':').collect();
    let (project, region, instance) = match parts.as_slice() {
        [p, r, i] => (*p, *r, *i),
        [d, p, r, i] if d.contains('.') => (*p, *r, *i),
        _ => return None,
    };
    let project_ok = (6..=30).contains(&project.len())
        && project.starts_with(|c: char| c.is_ascii_lowercase())
        && project.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let region_ok = {
        let (a, b) = region.split_once('-').unwrap_or(("", ""));
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_lowercase())
            && b.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && b.chars().last().is_some_and(|c| c.is_ascii_digit())
    };
    let instance_ok =
        !instance.is_empty() && instance.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (project_ok && region_ok && instance_ok).then(|| Endpoint {
        scheme: Some("cloudsql".into()),
        host: v.to_owned(),
        port: None,
        database: None,
    })
}

fn key_vault(inner: &str) -> Vec<Endpoint> {
    for part in inner.split(';') {
        if let Some((k, v)) = part.split_once('=') {
            let k = k.trim().to_ascii_lowercase();
            if k == "secreturi"
                && let Some((scheme, rest)) = v.trim().split_once("://")
            {
                return url(&scheme.to_ascii_lowercase(), rest);
            }
            if k == "vaultname" {
                return vec![Endpoint {
                    scheme: Some("https".into()),
                    host: format!("{}.vault.azure.net", v.trim().to_ascii_lowercase()),
                    port: Some(443),
                    database: None,
                }];
            }
        }
    }
    Vec::new()
}

/// Whether a setting's key says it holds an endpoint, so a bare `host` or
/// `host:port` value counts (`DB_HOST`, `*_URL`, `*_ENDPOINT`, `DATABASE_URL`, ...).
pub fn endpoint_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase().replace(['-', '.'], "_");
    const SUFFIXES: &[&str] = &[
        "HOST",
        "HOSTNAME",
        "URL",
        "URI",
        "ENDPOINT",
        "ADDR",
        "ADDRESS",
        "DSN",
        "SERVER",
        "SERVERS",
        "BROKERS",
        "BOOTSTRAP_SERVERS",
        "CONNECTION_STRING",
        "CONNECTIONSTRING",
        "CONN",
        "DOMAIN",
        "DOMAIN_NAME",
        "SERVER_NAME",
        "RECORDS",
        "RRDATAS",
        "RECORD",
        "ORIGIN",
    ];
    SUFFIXES.iter().any(|s| is_last_part(&k, s, '_')) || k.contains("CONNECTION")
}

/// Whether `text` is `part`, or ends with `separator` and `part` (`DB_HOST` ends
/// with part `HOST` after `_`; `api.example.com` with `example.com` after `.`).
pub(crate) fn is_last_part(text: &str, part: &str, separator: char) -> bool {
    text.strip_suffix(part).is_some_and(|rest| rest.is_empty() || rest.ends_with(separator))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_last_part_follows_its_separator() {
        assert!(is_last_part("HOST", "HOST", '_'));
        assert!(is_last_part("DB_HOST", "HOST", '_'));
        assert!(!is_last_part("GHOST", "HOST", '_'));
        assert!(is_last_part("api.example.com", "example.com", '.'));
        assert!(!is_last_part("badexample.com", "example.com", '.'));
        assert!(!is_last_part("", "example.com", '.'));
    }

    fn one(v: &str) -> (Option<String>, String, Option<u16>, Option<String>) {
        let e = parse(v, true);
        assert_eq!(e.len(), 1, "{v}: {e:?}");
        let e = e.into_iter().next().unwrap();
        (e.scheme, e.host, e.port, e.database)
    }

    fn hosts(v: &str) -> Vec<String> {
        parse(v, true).into_iter().map(|e| e.address()).collect()
    }

    fn t(
        scheme: &str,
        host: &str,
        port: Option<u16>,
        db: Option<&str>,
    ) -> (Option<String>, String, Option<u16>, Option<String>) {
        (Some(scheme.to_owned()), host.to_owned(), port, db.map(str::to_owned))
    }

    #[test]
    fn urls() {
        assert_eq!(
            one(
                "postgresql://app:s3cr3t@orders-db.cluster-c9xyz.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require"
            ),
            t("postgresql", "orders-db.cluster-c9xyz.eu-west-1.rds.amazonaws.com", Some(5432), Some("orders"))
        );
        assert_eq!(
            one("postgres://db.staging.internal/orders"),
            t("postgres", "db.staging.internal", Some(5432), Some("orders"))
        );
        assert_eq!(
            one("postgresql+psycopg2://u:p@pg.prod.internal/app"),
            t("postgresql", "pg.prod.internal", Some(5432), Some("app"))
        );
        assert_eq!(
            hosts("postgresql://a.prod.internal:5432,b.prod.internal:5433/db"),
            ["a.prod.internal:5432", "b.prod.internal:5433"]
        );
        assert_eq!(
            one("postgresql:///orders?host=pg.dev.internal&port=6432"),
            t("postgresql", "pg.dev.internal", Some(6432), Some("orders"))
        );
        assert_eq!(
            one("mysql://app:pw@mysql-prod.internal:3306/shop"),
            t("mysql", "mysql-prod.internal", Some(3306), Some("shop"))
        );
        assert_eq!(
            one("mysql2://u@mysql.qa.example.com/shop"),
            t("mysql2", "mysql.qa.example.com", Some(3306), Some("shop"))
        );
        assert_eq!(
            hosts("mongodb://reader:pw@mongo-0.dev.example.com:27017,mongo-1.dev.example.com:27017/app?replicaSet=rs0"),
            ["mongo-0.dev.example.com:27017", "mongo-1.dev.example.com:27017"]
        );
        assert_eq!(
            one("mongodb+srv://svc:pw@cluster0.ab1cd.mongodb.net/app?retryWrites=true"),
            t("mongodb", "cluster0.ab1cd.mongodb.net", None, Some("app"))
        );
        assert_eq!(
            one("redis://:pw@cache-stg.abc123.ng.0001.use1.cache.amazonaws.com:6379/0"),
            t("redis", "cache-stg.abc123.ng.0001.use1.cache.amazonaws.com", Some(6379), Some("0"))
        );
        assert_eq!(one("rediss://cache.prod.internal"), t("rediss", "cache.prod.internal", Some(6380), None));
        assert_eq!(
            one("amqps://user:pw@b-1234abcd-1.mq.us-east-1.amazonaws.com:5671/%2Fprod"),
            t("amqps", "b-1234abcd-1.mq.us-east-1.amazonaws.com", Some(5671), Some("/prod"))
        );
        assert_eq!(
            one("https://api.staging.example.com/v1"),
            t("https", "api.staging.example.com", Some(443), Some("v1"))
        );
        assert_eq!(one("http://10.20.3.4:8080/health"), t("http", "10.20.3.4", Some(8080), Some("health")));
        assert_eq!(one("http://[fd00::5]:8080/"), t("http", "fd00::5", Some(8080), None));
        assert_eq!(
            one("postgresql://app:p@ss:w/rd@db.prod.internal:5432/orders"),
            t("postgresql", "db.prod.internal", Some(5432), Some("orders"))
        );
        assert_eq!(
            one("sb://orders-prod.servicebus.windows.net/"),
            t("sb", "orders-prod.servicebus.windows.net", Some(5671), None)
        );
    }

    #[test]
    fn jdbc_urls() {
        assert_eq!(
            hosts("jdbc:postgresql://pg1.prod.internal:5432,pg2.prod.internal:5432/orders?targetServerType=primary"),
            ["pg1.prod.internal:5432", "pg2.prod.internal:5432"]
        );
        assert_eq!(
            one("jdbc:mysql://mysql-qa.internal:3306/shop?useSSL=true"),
            t("mysql", "mysql-qa.internal", Some(3306), Some("shop"))
        );
        assert_eq!(
            hosts("jdbc:mysql:replication://h1.stg.internal,h2.stg.internal/db"),
            ["h1.stg.internal:3306", "h2.stg.internal:3306"]
        );
        assert_eq!(
            one("jdbc:mariadb://maria.dev.internal/db"),
            t("mariadb", "maria.dev.internal", Some(3306), Some("db"))
        );
        assert_eq!(
            one("jdbc:sqlserver://sql-prod.database.windows.net:1433;databaseName=orders;encrypt=true"),
            t("sqlserver", "sql-prod.database.windows.net", Some(1433), Some("orders"))
        );
        assert_eq!(
            one("jdbc:sqlserver://;serverName=sql-qa.internal;databaseName=x"),
            t("sqlserver", "sql-qa.internal", Some(1433), Some("x"))
        );
        assert_eq!(one("jdbc:sqlserver://sqlhost\\inst1;portNumber=1533"), t("sqlserver", "sqlhost", Some(1533), None));
        assert_eq!(
            one("jdbc:oracle:thin:@//ora-prod.internal:1521/ORCLPDB1"),
            t("oracle", "ora-prod.internal", Some(1521), Some("ORCLPDB1"))
        );
        assert_eq!(
            one("jdbc:oracle:thin:@ora-stg.internal:1522:ORCL"),
            t("oracle", "ora-stg.internal", Some(1522), Some("ORCL"))
        );
        assert_eq!(
            one(
                "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora.qa.internal)(PORT=1525))(CONNECT_DATA=(SERVICE_NAME=svc)))"
            ),
            t("oracle", "ora.qa.internal", Some(1525), Some("svc"))
        );
    }

    #[test]
    fn key_value_strings() {
        assert_eq!(
            one(
                "Server=tcp:sql-prod-weu.database.windows.net,1433;Initial Catalog=orders;Persist Security Info=False;User ID=app;Password=hunter2;Encrypt=True;"
            ),
            t("sqlserver", "sql-prod-weu.database.windows.net", Some(1433), Some("orders"))
        );
        assert_eq!(
            one("Data Source=sql-stg.internal\\SQLEXPRESS;Database=app;Integrated Security=true"),
            t("sqlserver", "sql-stg.internal", Some(1433), Some("app"))
        );
        assert_eq!(one("Host=pg-dev.internal;Port=5433;Database=orders;Username=app;Password=x").1, "pg-dev.internal");
        assert_eq!(one("Host=pg-dev.internal;Port=5433;Database=orders").2, Some(5433));
        assert_eq!(
            one(
                "Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abc=;EntityPath=orders"
            ),
            t("sb", "orders-prod.servicebus.windows.net", Some(5671), Some("orders"))
        );
        assert_eq!(
            one(
                "DefaultEndpointsProtocol=https;AccountName=stordersdev;AccountKey=abc==;EndpointSuffix=core.windows.net"
            ),
            t("https", "stordersdev.blob.core.windows.net", Some(443), None)
        );
        assert_eq!(
            one("AccountEndpoint=https://orders-stg.documents.azure.com:443/;AccountKey=x;"),
            t("https", "orders-stg.documents.azure.com", Some(443), None)
        );
        assert!(parse("Server=(local);Database=x", true).is_empty());
        assert!(parse("UseDevelopmentStorage=true;", true).is_empty());
    }

    #[test]
    fn other_formats() {
        assert_eq!(
            one("host=orders-db.staging.internal port=5432 dbname=orders user=app sslmode=require"),
            t("postgresql", "orders-db.staging.internal", Some(5432), Some("orders"))
        );
        assert_eq!(one("host='db.qa.internal' dbname='a b'").3.as_deref(), Some("a b"));
        assert_eq!(
            one("host=/cloudsql/acme-prod:europe-west1:orders-pg dbname=x"),
            (Some("cloudsql".into()), "acme-prod:europe-west1:orders-pg".into(), None, None)
        );
        assert_eq!(
            one("acme-prod:europe-west1:orders-pg"),
            (Some("cloudsql".into()), "acme-prod:europe-west1:orders-pg".into(), None, None)
        );
        assert_eq!(
            one("example.com:acme-prod:europe-west1:orders-pg").1,
            "example.com:acme-prod:europe-west1:orders-pg"
        );
        assert_eq!(
            hosts(
                "b-1.prod-msk.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9094,b-2.prod-msk.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9094"
            ),
            [
                "b-1.prod-msk.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9094",
                "b-2.prod-msk.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9094"
            ]
        );
        assert_eq!(hosts("SASL_SSL://broker.stg.internal:9096"), ["broker.stg.internal:9096"]);
        assert_eq!(
            hosts("orders-redis.redis.cache.windows.net:6380,password=x,ssl=True,abortConnect=False"),
            ["orders-redis.redis.cache.windows.net:6380"]
        );
        assert_eq!(hosts("orders-db.prod.internal:5432"), ["orders-db.prod.internal:5432"]);
        assert_eq!(hosts("10.20.0.15"), ["10.20.0.15"]);
        assert_eq!(
            hosts("@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/DbConn/)"),
            ["kv-prod.vault.azure.net:443"]
        );
        assert_eq!(hosts("@Microsoft.KeyVault(VaultName=kv-stg;SecretName=DbConn)"), ["kv-stg.vault.azure.net:443"]);
        assert!(parse("orders-db.prod.internal:5432", false).is_empty(), "bare hosts only when asked");
    }

    #[test]
    fn garbage_gives_nothing() {
        for v in [
            "",
            "   ",
            "hello",
            "true",
            "12345",
            "a:b",
            "://",
            "postgresql://",
            "jdbc:",
            "jdbc:sqlserver://",
            "=;=;",
            "host=",
            "x".repeat(9000).as_str(),
            "😀://😀",
            "http://[::1",
            "Server=;",
            "1.2.3",
            "-foo-.bar",
        ] {
            let e = parse(v, true);
            assert!(e.iter().all(|e| !e.host.is_empty()), "{v}: {e:?}");
        }
        assert!(parse("hello", true).is_empty());
        assert!(parse("a:b", true).is_empty());
        assert!(parse("1.2.3", true).is_empty());
    }

    proptest! {
        #[test]
        fn parsing_never_panics(v in any::<String>()) {
            let _ = parse(&v, true);
        }

        #[test]
        fn url_like_strings_never_panic(scheme in "[a-z+]{1,8}", user in "[^@/]{0,8}", host in "[a-z0-9.:\\[\\],-]{0,20}", rest in "[^ ]{0,20}") {
            let v = format!("{scheme}://{user}@{host}/{rest}");
            let _ = parse(&v, true);
        }
    }
}
