package server

import "net/http"
import "strconv"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/deals"
import "github.com/dealgate/dealgate/web/pages"

func itoa(n int) string { return strconv.Itoa(n) }

// handleDealCompare shows two versions side by side (?from=1&to=2; by
// default the previous and the current version).
func (s *Server) handleDealCompare(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, versions, err := s.deals.Versions(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	switch len(versions) {
	case 0:
		s.flash(c, "important", "A draft has no versions yet: submit it first.")
		return redirectSeeOther(c, dealPath(id))
	case 1:
		return s.render(c, http.StatusOK, pages.Message(s.page(c, "Compare versions"), pages.MessageView{
			Title: "Compare versions", Body: []string{d.Content.Title + " has one version, so there is nothing to compare yet."},
			LinkHref: dealPath(id), LinkLabel: "Back to the deal",
		}))
	}
	to, _ := strconv.Atoi(c.QueryParam("to"))
	from, _ := strconv.Atoi(c.QueryParam("from"))
	if to < 1 || to > len(versions) {
		to = len(versions)
	}
	if from < 1 || from > len(versions) {
		from = max(to-1, 1)
	}
	a, b := versions[from-1], versions[to-1]
	v := deals.CompareView{Title: d.Content.Title, DealHref: dealPath(id), From: from, To: to, ChangeNote: b.ChangeNote}
	if from < to {
		v.Material = joinLabels(dealgate.MaterialChanges(a.Content, b.Content, s.deals.MaterialPercent()))
	}
	var fromOpts, toOpts []components.Option
	for _, ver := range versions {
		label := "Version " + itoa(ver.Number)
		fromOpts = append(fromOpts, components.Option{Value: itoa(ver.Number), Label: label, Selected: ver.Number == from})
		toOpts = append(toOpts, components.Option{Value: itoa(ver.Number), Label: label, Selected: ver.Number == to})
	}
	v.FromField = components.Field{ID: "from", Name: "from", Label: "Compare", Options: fromOpts}
	v.ToField = components.Field{ID: "to", Name: "to", Label: "with", Options: toOpts}
	for _, r := range dealgate.CompareDeals(a.Content, b.Content) {
		v.Rows = append(v.Rows, deals.CompareRow{Label: r.Field.Label, Before: r.Before, After: r.After, Changed: r.Changed, Material: r.Changed && r.Field.Material})
	}
	return s.render(c, http.StatusOK, deals.Compare(s.page(c, "Compare versions of "+d.Content.Title), v))
}

func joinLabels(ls []string) string {
	out := ""
	for i, l := range ls {
		if i > 0 {
			out += ", "
		}
		out += l
	}
	return out
}

func (s *Server) handleDealWithdrawConfirm(c echo.Context) error {
	return s.renderWithdraw(c, http.StatusOK, 0, nil)
}

func (s *Server) renderWithdraw(c echo.Context, status int, version int64, err error) error {
	id, ierr := idParam(c, "id")
	if ierr != nil {
		return ierr
	}
	d, derr := s.deals.DealFor(c.Request().Context(), currentUser(c), id, dealgate.DealEdit)
	if derr != nil {
		return derr
	}
	if version == 0 {
		version = d.Version
	}
	fields, summary := formErrors(err, "reason")
	if err == nil {
		fields, summary = map[string]string{}, nil
	}
	return s.render(c, status, deals.Reason(s.page(c, "Withdraw "+d.Content.Title), deals.ReasonView{
		Caption: d.Content.Title, Title: "Withdraw this deal?", Action: dealPath(id) + "/withdraw", Button: "Withdraw deal",
		Body:   []string{"The committee stops reviewing it. The deal stays visible, read-only, with its versions and history."},
		Cancel: dealPath(id), CSRFToken: csrfToken(c), Version: version, Errors: summary,
		Reason: &components.Field{ID: "reason", Name: "reason", Label: "Reason", Hint: "Why the deal is withdrawn; the committee and auditors read this",
			Value: c.FormValue("reason"), Error: fields["reason"], Rows: 4, MaxLength: 5000},
	}))
}

func (s *Server) handleDealWithdraw(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	version, _ := formVersion(c) // a missing version is stale: the service says so
	_, err = s.deals.Withdraw(c.Request().Context(), currentUser(c), id, version, c.FormValue("reason"))
	if code := dealgate.ErrorCode(err); code == dealgate.ECONFLICT || (code == dealgate.EINVALID && len(dealgate.ErrorFields(err)) == 0) {
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, dealPath(id))
	}
	if len(dealgate.ErrorFields(err)) > 0 {
		return s.renderWithdraw(c, http.StatusUnprocessableEntity, version, err)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Deal withdrawn.")
	return redirectSeeOther(c, dealPath(id))
}

func (s *Server) handleDealDeleteConfirm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.deals.DealFor(c.Request().Context(), currentUser(c), id, dealgate.DealManage)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, deals.Reason(s.page(c, "Delete "+d.Content.Title), deals.ReasonView{
		Caption: d.Content.Title, Title: "Delete this draft?", Action: dealPath(id) + "/delete", Button: "Delete draft",
		Body:   []string{"The draft and its attachments are deleted. The audit trail keeps a record of what it said."},
		Cancel: dealPath(id), CSRFToken: csrfToken(c), Version: d.Version,
	}))
}

func (s *Server) handleDealDelete(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	version, _ := formVersion(c) // a missing version is stale: the service says so
	err = s.deals.DeleteDraft(c.Request().Context(), currentUser(c), id, version)
	if code := dealgate.ErrorCode(err); code == dealgate.ECONFLICT || code == dealgate.EINVALID {
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, dealPath(id))
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Draft deleted.")
	return redirectSeeOther(c, "/deals")
}

func (s *Server) handleDealShare(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	in := dealgate.ShareInput{Email: c.FormValue("email"), Access: dealgate.ShareAccess(c.FormValue("access"))}
	d, err := s.deals.Share(c.Request().Context(), currentUser(c), id, in)
	if dealgate.ErrorCode(err) == dealgate.EINVALID {
		return s.renderDeal(c, http.StatusUnprocessableEntity, "", err)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Deal shared with "+in.Email+".")
	return redirectSeeOther(c, dealPath(d.ID)+"#sharing")
}

func (s *Server) handleDealUnshare(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	userID, _ := strconv.ParseInt(c.FormValue("user_id"), 10, 64)
	_, err = s.deals.Unshare(c.Request().Context(), currentUser(c), id, userID)
	if dealgate.ErrorCode(err) == dealgate.EINVALID {
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, dealPath(id)+"#sharing")
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Sharing stopped.")
	return redirectSeeOther(c, dealPath(id)+"#sharing")
}

func (s *Server) handleDealAttachmentUpload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if bodyTooLarge(err) {
		return s.renderDeal(c, http.StatusRequestEntityTooLarge, "The file is larger than "+sizeText(s.maxUpload())+". Upload a smaller file.", nil)
	}
	if err != nil {
		return s.renderDeal(c, http.StatusUnprocessableEntity, "Choose a file to upload", nil)
	}
	file, err := fh.Open()
	if err != nil {
		return dealgate.Internal(err)
	}
	defer file.Close()
	_, err = s.deals.AddAttachment(c.Request().Context(), currentUser(c), id, c.FormValue(onceField), fh.Filename, file)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.alreadySubmitted(c, err, dealPath(id)+"#attachments")
	}
	if dealgate.ErrorCode(err) == dealgate.EINVALID {
		msg := dealgate.ErrorFields(err)["file"]
		if msg == "" {
			msg = dealgate.ErrorMessage(err)
		}
		return s.renderDeal(c, http.StatusUnprocessableEntity, msg, nil)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Attached "+fh.Filename+".")
	return redirectSeeOther(c, dealPath(id)+"#attachments")
}

// handleDealAttachmentDownload serves an attachment under a server-chosen
// name; a HEAD request reads it without recording a download.
func (s *Server) handleDealAttachmentDownload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	record := c.Request().Method != http.MethodHead
	a, content, err := s.deals.DownloadAttachment(c.Request().Context(), currentUser(c), id, record)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="`+a.DownloadName()+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, a.ContentType, content)
}

func (s *Server) handleDealAttachmentRemoveConfirm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.deals.Attachment(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, deals.Reason(s.page(c, "Remove attachment"), deals.ReasonView{
		Caption: "Draft deal", Title: "Remove " + a.Filename + "?", Action: "/deal-attachments/" + itoa(int(id)) + "/remove",
		Body:   []string{"The file is no longer attached to the draft. The audit trail keeps its name and SHA-256."},
		Button: "Remove attachment", Cancel: dealPath(a.DealID) + "#attachments", CSRFToken: csrfToken(c), Version: 1,
	}))
}

func (s *Server) handleDealAttachmentRemove(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.deals.RemoveAttachment(c.Request().Context(), currentUser(c), id)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, dealPath(a.DealID)+"#attachments")
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Removed "+a.Filename+".")
	return redirectSeeOther(c, dealPath(a.DealID)+"#attachments")
}
