// Package gatewaytest runs the real gateway on a loopback port for end-to-end tests:
// a config in, a base URL out. It also offers Fake, an in-process scripted provider, for
// tests of the gateway and its plugins that need no HTTP upstream.
//
//	fake := gatewaytest.NewFake("fake", "m1")
//	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
//	resp, _ := http.Post(gw.URL+"/v1/chat/completions", ...)
//
// Imports: gateway, gateway/api, gateway/provider.
package gatewaytest
