//! Cloud identifiers that carry their owner: the account of an AWS ARN or SQS
//! queue URL. The environments place an identifier by its account; the graph
//! tells an identifier that names a resource from a host.

/// The 12-digit AWS account an identifier carries: an ARN's account field, or the
/// first step of an SQS queue URL's path
/// (`https://sqs.<region>.amazonaws.com/<account>/<queue>`).
pub fn aws_account(value: &str) -> Option<&str> {
    let account = match value.strip_prefix("https://sqs.") {
        Some(rest) => rest.split('/').nth(1)?,
        None => value.strip_prefix("arn:")?.split(':').nth(3)?,
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Whether a value is an SQS queue's URL: its account and a queue name.
pub fn is_queue_url(value: &str) -> bool {
    value.starts_with("https://sqs.")
        && aws_account(value).is_some()
        && value.split('/').nth(4).is_some_and(|queue| !queue.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_of_arns_and_queue_urls() {
        assert_eq!(aws_account("arn:aws:sns:eu-west-1:222222222222:orders"), Some("222222222222"));
        assert_eq!(aws_account("https://sqs.eu-west-1.amazonaws.com/111111111111/jobs"), Some("111111111111"));
        assert_eq!(aws_account("arn:aws:s3:::bucket"), None);
        assert_eq!(aws_account("https://sqs.eu-west-1.amazonaws.com"), None);
        assert!(is_queue_url("https://sqs.eu-west-1.amazonaws.com/111111111111/jobs"));
        assert!(!is_queue_url("https://sqs.eu-west-1.amazonaws.com/111111111111/"));
        assert!(!is_queue_url("https://sqs.eu-west-1.amazonaws.com"));
        assert!(!is_queue_url("arn:aws:sqs:eu-west-1:111111111111:jobs"));
    }
}
