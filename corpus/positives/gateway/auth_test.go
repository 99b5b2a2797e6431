package main

import "testing"

var fixtures = []struct {
	name  string
	token string
	ok    bool
}{
	{"trader", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGgua29ydmV4LmlvIiwic3ViIjoiZGVzay1tbS0yIiwiYXVkIjoibWFya2V0LWRhdGEiLCJpYXQiOjE3MzU1MTE1OTAsImV4cCI6MTczNTUxMzM5MCwianRpIjoiNjRiYzFkNzItYTc3ZC00OGU3LWJkMjEtY2IzNDkyZDRiYmMyIiwicm9sZXMiOlsiTUFSS0VUX01BS0VSIiwiVFJBREVSIl19.vEuinyOydiL0eTZMvy5cyfPZBCGAPgJySYg7bPyqRl8", true},
	{"risk-engine", "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6IjVjNmQ3OTU1YTkzOTdiOTQifQ.eyJpc3MiOiJodHRwczovL2F1dGgua29ydmV4LmlvIiwic3ViIjoib3BzLWJvdCIsImF1ZCI6Im1hcmtldC1kYXRhIiwiaWF0IjoxNzQzNzUyNDU2LCJleHAiOjE3NDM3NTYwNTYsImp0aSI6ImMzZTM1OWU0LWNmN2UtNGU4Ni1hZGEwLWM5ZmY3Mzc1NmQ2YiIsInJvbGVzIjpbIkFETUlOIl19.jXLoX1AWJKJ1Uxa2SKjNiZ8sLmSl3ylPQdzajZ2lZbc8EfmzHvJ5zqwkjZdtrpduY3cwbNwXkwp3x3SeZosBS-a8kXd53q2rSRpPLEf0ZYXbfu29eoQ6gOXGkix6HhSD", true},
}

func TestParse(t *testing.T) {
	for _, f := range fixtures {
		if _, err := parse(f.token); (err == nil) != f.ok {
			t.Errorf("%s: unexpected result %v", f.name, err)
		}
	}
}
