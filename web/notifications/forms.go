package notifications

// The notification settings' fields, typed here so that handlers only pass
// the choices and the messages.

import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"

// PrefsFields are one radio group per event, in the form's order, each with
// the channel chosen selected and its message from errs. The three short
// choices sit side by side, so eight questions do not make a long page.
func PrefsFields(chosen func(dealgate.NotifyEvent) dealgate.NotifyChannel, errs map[string]string) []templ.Component {
	groups := make([]templ.Component, 0, len(dealgate.AllNotifyEvents))
	for _, e := range dealgate.AllNotifyEvents {
		opts := make([]components.Option, len(dealgate.AllNotifyChannels))
		for i, ch := range dealgate.AllNotifyChannels {
			opts[i] = components.Option{Value: string(ch), Label: ch.Label(), Selected: chosen(e) == ch}
		}
		f := dealgate.NotifyPrefsField(e)
		groups = append(groups, components.InlineRadioGroup(e.Label(), f, "", errs[f], opts))
	}
	return groups
}
