// Package main, the muninn command, is the Muninn gateway binary.
//
//	muninn -config muninn.yaml          # JSON or YAML
//	muninn -listen 127.0.0.1:9090       # override the config's listen
//	muninn                              # no file: providers from the environment
//	muninn -version
//
// main.go only parses flags and runs; config.go loads the file (or builds one from the
// environment); wire.go is the place where each part of Muninn adds itself (one file
// per part, registered with wire(order, name, fn), adding plugins, routes, the model
// catalog, closers, OnServer and OnReload hooks); providers.go imports the provider
// types; serve.go runs the server, reloads on SIGHUP (and file changes when watch is set)
// and drains on SIGTERM.
//
// It is the only package that reads flags and environment variables and the only one
// that imports everything.
package main
