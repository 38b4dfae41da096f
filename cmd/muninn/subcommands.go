package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/muninn-gw/muninn/cache/cacheeval"
)

// subcommands are the commands muninn runs instead of serving, as `muninn NAME args...`.
var subcommands = map[string]func(args []string) int{
	"healthcheck": healthcheck,
	"eval-cache":  cacheeval.Main,
}

// healthcheck is the container health probe (the image has no shell or curl): it exits 0
// when GET URL answers 200 within two seconds.
//
//	muninn healthcheck http://127.0.0.1:8080/readyz
func healthcheck(args []string) int {
	url := "http://127.0.0.1:8080/readyz"
	if len(args) > 0 {
		url = args[0]
	}
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "unhealthy: status", resp.StatusCode)
		return 1
	}
	return 0
}
