package components

import "slices"
import "strings"

// CommonTimeZones are offered first; any other IANA zone a user already
// has stays selectable.
var CommonTimeZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Europe/Zurich",
	"Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul", "Africa/Johannesburg", "Africa/Lagos",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul",
	"Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo", "America/New_York", "America/Toronto",
	"America/Chicago", "America/Denver", "America/Los_Angeles", "America/Mexico_City", "UTC",
}

// TimeZoneField is the time zone select of a person's account or profile.
func TimeZoneField(value, errMsg string) Field {
	zones := CommonTimeZones
	if value != "" && !slices.Contains(zones, value) {
		zones = append([]string{value}, zones...)
	}
	f := Field{ID: "time_zone", Name: "time_zone", Label: "Time zone", Hint: "Dates and times are shown in this zone.", Value: value, Error: errMsg}
	for _, z := range zones {
		f.Options = append(f.Options, Option{Value: z, Label: strings.ReplaceAll(z, "_", " "), Selected: z == value})
	}
	return f
}
