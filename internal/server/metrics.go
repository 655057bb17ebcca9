package server

import "strconv"
import "time"

import "github.com/labstack/echo/v4"
import "github.com/prometheus/client_golang/prometheus"
import "github.com/prometheus/client_golang/prometheus/collectors"
import "github.com/prometheus/client_golang/prometheus/promhttp"

import "github.com/dealgate/dealgate/internal/postgres"

// metrics lives in a registry of its own per server, so tests can run many.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// roundTrips and poolWait are per request, by route (see postgres.RequestStats).
	roundTrips *prometheus.HistogramVec
	poolWait   *prometheus.HistogramVec
}

func newMetrics(db *postgres.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dealgate_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dealgate_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		roundTrips: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dealgate_db_round_trips_per_request",
			Help:    "Database round trips (statements, BEGIN and COMMIT, batches, prepares) one request made, by route pattern and method.",
			Buckets: []float64{0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50},
		}, []string{"route", "method"}),
		poolWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dealgate_db_pool_wait_seconds_per_request",
			Help:    "Time one request waited for pooled database connections, by route pattern and method.",
			Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"route", "method"}),
	}
	inFlight := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "dealgate_http_requests_in_flight",
		Help: "HTTP requests this instance is serving, the scrape included; re-screening gives way while there are any.",
	}, func() float64 { return float64(db.Foreground.InFlight()) })
	m.reg.MustRegister(m.requests, m.duration, m.roundTrips, m.poolWait, inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		poolCollector{db})
	return m
}

// observe records one finished request. The route is echo's pattern, never
// the raw path, so label cardinality stays bounded.
func (m *metrics) observe(c echo.Context, status int, elapsed time.Duration, db *postgres.RequestStats) {
	route := c.Path()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request().Method
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())
	if !infrastructure(c) {
		m.roundTrips.WithLabelValues(route, method).Observe(float64(db.RoundTrips()))
		m.poolWait.WithLabelValues(route, method).Observe(db.PoolWait().Seconds())
	}
}

func (m *metrics) handler() echo.HandlerFunc {
	// The gzip middleware compresses; promhttp must not do it a second time.
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{DisableCompression: true}))
}

// poolCollector reports the pgx pool's statistics at scrape time.
type poolCollector struct{ db *postgres.DB }

var (
	poolAcquired = prometheus.NewDesc("dealgate_db_pool_acquired_conns", "Connections in use.", nil, nil)
	poolIdle     = prometheus.NewDesc("dealgate_db_pool_idle_conns", "Idle connections.", nil, nil)
	poolTotal    = prometheus.NewDesc("dealgate_db_pool_total_conns", "Open connections.", nil, nil)
	poolMax      = prometheus.NewDesc("dealgate_db_pool_max_conns", "Maximum connections.", nil, nil)
	poolWaits    = prometheus.NewDesc("dealgate_db_pool_empty_acquire_total", "Acquires that had to wait for a connection.", nil, nil)
	poolWaitSecs = prometheus.NewDesc("dealgate_db_pool_acquire_wait_seconds_total", "Time spent waiting for a connection.", nil, nil)
)

func (p poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolWaits, poolWaitSecs} {
		ch <- d
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := p.db.Pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(st.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(st.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaitSecs, prometheus.CounterValue, st.EmptyAcquireWaitTime().Seconds())
}
