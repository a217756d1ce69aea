package bot

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the bot's Prometheus series. Each Bot has its own registry so
// tests can run several bots in one process.
type metrics struct {
	reg        *prometheus.Registry
	envelopes  *prometheus.CounterVec   // type, outcome (handled|duplicate|ignored)
	ackLatency prometheus.Histogram     // seconds from receipt to ack queued
	ackLate    prometheus.Counter       // acks later than 3s or failed
	commands   *prometheus.CounterVec   // command, outcome (ok|invalid|not_found|forbidden|conflict|internal)
	apiCalls   *prometheus.CounterVec   // method, status (200, 429, 500, error)
	reconnects prometheus.Counter       // socket reconnects after the first connect
	connected  prometheus.Gauge         // 1 while the socket is up
	replyTime  *prometheus.HistogramVec // seconds from receipt to the reply, by path (ack|response_url|api)
}

// newMetrics registers the bot's series, and the outbox's beside them.
func newMetrics(reg *prometheus.Registry, out prometheus.Collector) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		reg: reg,
		envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_envelopes_total", Help: "Socket Mode envelopes received, by type and outcome.",
		}, []string{"type", "outcome"}),
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "salesbot_ack_latency_seconds", Help: "Time from receiving an envelope to queueing its ack.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 1.5, 2, 3, 5},
		}),
		ackLate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_acks_late_total", Help: "Acks that missed Slack's 3 second deadline or failed to queue.",
		}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_commands_total", Help: "Commands handled, by command name and outcome (ok or an error code).",
		}, []string{"command", "outcome"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_slack_api_calls_total", Help: "Slack Web API calls by method and HTTP status (429 = rate limited).",
		}, []string{"method", "status"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_socket_reconnects_total", Help: "Socket Mode reconnects after the first connection.",
		}),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "salesbot_socket_connected", Help: "1 while the Socket Mode connection is up.",
		}),
		replyTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "salesbot_reply_latency_seconds", Help: "Time from receiving a command to its reply, by path.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 1.5, 3, 5, 10},
		}, []string{"path"}),
	}
	reg.MustRegister(m.envelopes, m.ackLatency, m.ackLate, m.commands, m.apiCalls, m.reconnects, m.connected, m.replyTime, out)
	return m
}

// countingTransport counts every Slack HTTP call by method and status.
type countingTransport struct {
	next http.RoundTripper
	m    *metrics
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	method := apiMethod(r.URL.Path)
	resp, err := t.next.RoundTrip(r)
	status := "error"
	if err == nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	t.m.apiCalls.WithLabelValues(method, status).Inc()
	return resp, err
}

// apiMethod names a request for metrics: the Web API method, or
// "response_url"/"upload" for the URLs Slack hands out. The label set stays
// small: anything else is "other".
func apiMethod(path string) string {
	if i := strings.LastIndex(path, "/api/"); i >= 0 {
		m := path[i+5:]
		if len(m) <= 64 && strings.Count(m, ".") >= 1 && !strings.Contains(m, "/") {
			return m
		}
		return "other"
	}
	switch {
	case strings.Contains(path, "/resp") || strings.Contains(path, "/commands/") || strings.Contains(path, "/actions/"):
		return "response_url"
	case strings.Contains(path, "upload"):
		return "upload"
	}
	return "other"
}
