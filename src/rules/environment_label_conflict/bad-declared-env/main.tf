# EW301 with --env prod (see `env`): the stack is declared production, and one
# resource with no other placement says staging.

resource "aws_security_group" "api" {
  name = "api"
  tags = {
    Environment = "staging"
  }
}

# Says production, like the stack: no conflict.
resource "aws_security_group" "web" {
  name = "web-prod"
}
