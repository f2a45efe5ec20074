//! Network: CIDR arithmetic (`cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`), as Terraform's `internal/lang/funcs/cidr.go` computes it.

use super::*;

/// A network prefix: its first address, the address width (32 or 128) and prefix length.
#[derive(Clone, Copy)]
pub(super) struct Prefix {
    pub(super) addr: u128,
    pub(super) bits: u32,
    pub(super) len: u32,
}

impl Prefix {
    /// Parses argument `i` as CIDR notation; host bits are cleared, as Terraform does.
    pub(super) fn parse(c: &Call, i: usize) -> Result<Prefix, String> {
        let text = c.string_arg(i, "prefix")?;
        let net: IpNet = text
            .parse()
            .ok()
            .or_else(|| without_leading_zeros(&text)?.parse().ok())
            .ok_or_else(|| c.err(format_args!("invalid CIDR expression: invalid CIDR address: {text}")))?;
        Ok(match net.trunc() {
            IpNet::V4(n) => Prefix { addr: u128::from(u32::from(n.addr())), bits: 32, len: u32::from(n.prefix_len()) },
            // Go treats an IPv4-mapped prefix as the IPv4 prefix it maps.
            IpNet::V6(n) if n.prefix_len() >= 96 && u128::from(n.addr()) >> 32 == 0xffff => Prefix {
                addr: u128::from(n.addr()) & u128::from(u32::MAX),
                bits: 32,
                len: u32::from(n.prefix_len()) - 96,
            },
            IpNet::V6(n) => Prefix { addr: u128::from(n.addr()), bits: 128, len: u32::from(n.prefix_len()) },
        })
    }

    /// Whether `addr` lies inside the prefix.
    pub(super) fn contains(&self, addr: u128) -> bool {
        addr & net_mask(self.bits, self.len) == self.addr
    }
}

/// CIDR notation without leading zeros in IPv4 octets and the prefix length, which
/// Terraform reads as decimal (`010.0.0.0/08` is `10.0.0.0/8`); `None` when there are none
/// to drop or the text is not of that shape.
pub(super) fn without_leading_zeros(text: &str) -> Option<String> {
    let (addr, len) = text.split_once('/')?;
    let octets: Vec<&str> = addr.split('.').collect();
    let ipv4 = octets.len() == 4 && octets.iter().all(|o| is_decimal(o));
    if !is_decimal(len) || !(ipv4 || addr.contains(':')) {
        return None;
    }
    let addr = if ipv4 { octets.iter().map(|o| trim_zeros(o)).collect::<Vec<_>>().join(".") } else { addr.to_owned() };
    Some(format!("{addr}/{}", trim_zeros(len)))
}

/// Whether the text is one or more ASCII digits.
pub(super) fn is_decimal(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Decimal digits without leading zeros ("0" stays).
pub(super) fn trim_zeros(digits: &str) -> &str {
    match digits.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    }
}

/// A number with the low `n` bits set.
pub(super) fn ones(n: u32) -> u128 {
    if n >= 128 { u128::MAX } else { (1 << n) - 1 }
}

/// The network mask of a `len`-bit prefix of a `bits`-bit address.
pub(super) fn net_mask(bits: u32, len: u32) -> u128 {
    ones(bits) & !ones(bits.saturating_sub(len))
}

/// Prints an address as Go's `net.IP` does.
pub(super) fn ip_text(addr: u128, bits: u32) -> String {
    if bits == 32 {
        Ipv4Addr::from(u32::try_from(addr).unwrap_or(u32::MAX)).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

/// Prints a network in CIDR notation.
pub(super) fn net_text(addr: u128, bits: u32, len: u32) -> String {
    format!("{}/{len}", ip_text(addr, bits))
}

/// `cidrhost(prefix, hostnum)`: a host's address; negative numbers count from the end.
pub(super) fn cidrhost(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let p = Prefix::parse(c, 0)?;
    let hostnum = c.exact_arg(1, "hostnum")?;
    if !hostnum.is_whole() {
        return Err(c.param_err("hostnum", "a whole number is required"));
    }
    let max = ones(p.bits - p.len);
    let host = if hostnum >= Number::Int(0) {
        hostnum.to_u128()
    } else {
        // -1 is the last host.
        hostnum.neg().to_u128().and_then(|back| max.checked_sub(back - 1))
    };
    let host = host
        .filter(|h| *h <= max)
        .ok_or_else(|| c.err(format_args!("prefix of {} does not accommodate a host numbered {hostnum}", p.len)))?;
    Ok(EvalValue::str(ip_text(p.addr | host, p.bits)))
}

/// `cidrnetmask(prefix)`: an IPv4 prefix's mask in dotted-decimal form.
pub(super) fn cidrnetmask(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let p = Prefix::parse(c, 0)?;
    if p.bits != 32 {
        let text = c.string_arg(0, "prefix")?;
        return Err(c.err(format_args!("IPv6 addresses cannot have a netmask: {text}")));
    }
    Ok(EvalValue::str(ip_text(net_mask(32, p.len), 32)))
}

/// `cidrsubnet(prefix, newbits, netnum)`: subnet `netnum` of the prefix extended by `newbits`.
pub(super) fn cidrsubnet(c: &Call) -> Result<EvalValue, String> {
    c.arity(3, 3)?;
    let p = Prefix::parse(c, 0)?;
    let newbits = c.int_arg(1, "newbits")?;
    let netnum = c.exact_arg(2, "netnum")?;
    if !netnum.is_whole() {
        return Err(c.param_err("netnum", "a whole number is required"));
    }
    let new_len =
        u32::try_from(newbits).ok().and_then(|nb| p.len.checked_add(nb)).filter(|len| *len <= p.bits).ok_or_else(
            || c.err(format_args!("insufficient address space to extend prefix of {} by {newbits}", p.len)),
        )?;
    let num = netnum.to_u128().filter(|n| *n <= ones(new_len - p.len)).ok_or_else(|| {
        c.err(format_args!("prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"))
    })?;
    let addr = p.addr | num.checked_shl(p.bits - new_len).unwrap_or(0);
    Ok(EvalValue::str(net_text(addr, p.bits, new_len)))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its own size.
///
/// Follows Terraform's allocation step for step, including its refusal (hashicorp/terraform#35486)
/// to allocate inside a prefix that starts at the all-zeros address.
pub(super) fn cidrsubnets(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, usize::MAX)?;
    let p = Prefix::parse(c, 0)?;
    let protocol = if p.bits == 32 { "IPv4" } else { "IPv6" };
    let mut current = (0u128, 0u32);
    let mut out = Vec::with_capacity(c.args.len() - 1);
    for i in 1..c.args.len() {
        let newbits = c.int_arg(i, "newbits")?;
        if newbits < 1 {
            return Err(c.err("must extend prefix by at least one bit"));
        }
        if newbits > 32 {
            return Err(c.err("may not extend prefix by more than 32 bits"));
        }
        let len = p.len + u32::try_from(newbits).unwrap_or(32);
        if len > p.bits {
            return Err(
                c.err(format_args!("would extend prefix to {len} bits, which is too long for an {protocol} address"))
            );
        }
        if i == 1 {
            // The subnet of the first size just below the prefix's start.
            current = (p.addr.wrapping_sub(1) & net_mask(p.bits, len), len);
        }
        let (next, rollover) = next_subnet(current, len, p.bits);
        if rollover || !p.contains(next) {
            return Err(c.err(format_args!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                net_text(current.0, p.bits, current.1)
            )));
        }
        current = (next, len);
        out.push(EvalValue::str(net_text(next, p.bits, len)));
    }
    Ok(EvalValue::List(out))
}

/// The first `len`-bit subnet after `current`, and whether finding it wrapped past the
/// top of the address space (go-cidr's `NextSubnet`).
pub(super) fn next_subnet(current: (u128, u32), len: u32, bits: u32) -> (u128, bool) {
    let last = current.0 | ones(bits - current.1);
    let containing = last & net_mask(bits, len);
    let after = (containing | ones(bits - len)).wrapping_add(1) & ones(bits);
    (after & net_mask(bits, len), after == 0)
}
