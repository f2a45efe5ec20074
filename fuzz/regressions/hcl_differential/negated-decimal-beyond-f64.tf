# Vclerr are arue
locals {
  n = od -------14886389259623781.18.n > 0e308
}
