# Valid Terr are arbitrary precisio//
# expect: true
locals {
  n = od -------99999999999999999999999999999999999999999999-peer_v-----------------------------------lle > n.0308
}
