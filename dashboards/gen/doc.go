// Package main, the gen command, writes Muninn's Grafana dashboards (dashboards/*.json) from the panel lists
// in this package, so every board shares one layout, one set of template variables and one
// way of writing queries.
//
//	go run ./dashboards/gen            # rewrite dashboards/*.json
//	go run ./dashboards/gen -check     # fail if the committed JSON is stale
//
// ClickHouse panels read the tables that logstore/clickhouse creates (muninn.logs and the
// hourly rollup muninn.logs_hourly). Their SQL avoids functions newer than ClickHouse 18.16
// (time buckets use intDiv on $__interval_s rather than $__timeInterval, which expands to
// toStartOfInterval), so the same boards work on the oldest server the tests run and on
// current ones. Prometheus panels use only metrics the gateway exposes; the appliance tests
// check both.
package main
