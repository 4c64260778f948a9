// Package helpers holds files otelc rules add to other packages.
package helpers
