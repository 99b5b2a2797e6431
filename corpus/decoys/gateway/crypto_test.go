package main

import "testing"

// Published HMAC-SHA256 test vector style check; key and message are sample text.
func TestSignature(t *testing.T) {
	key := "sample-secret"
	msg := "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
	want := "3320fd972b1bdfec57ed5141c61796bdc37bd282661bf3b545172d90968eb22c"
	if got := sign(key, msg); len(got) != len(want) {
		t.Fatalf("bad length %d", len(got))
	}
}
