package server

import "net/http"
import "strconv"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/pages"

func (s *Server) registerDocumentRoutes() {
	view, edit := need(dealgate.ActRegisterView), need(dealgate.ActRegisterEdit)
	s.post("/agreements/:id/documents", edit, s.handleDocumentUpload)
	s.upload(http.MethodPost, "/agreements/:id/documents", s.maxUpload()+multipartOverhead)
	s.get("/documents/:id", view, s.handleDocumentDownload)
	s.form("/documents/:id/remove", edit, s.handleDocumentRemoveConfirm, s.handleDocumentRemove)
}

// multipartOverhead is room for the form's other fields and boundaries
// around an uploaded file.
const multipartOverhead = 64 << 10

func (s *Server) maxUpload() int64 {
	if s.register.MaxDocumentBytes > 0 {
		return s.register.MaxDocumentBytes
	}
	return dealgate.DefaultMaxDocumentBytes
}

func (s *Server) handleDocumentUpload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if bodyTooLarge(err) {
		return s.renderAgreement(c, http.StatusRequestEntityTooLarge, "The file is larger than "+sizeText(s.maxUpload())+". Upload a smaller file.")
	}
	if err != nil {
		return s.renderAgreement(c, http.StatusUnprocessableEntity, "Choose a file to upload")
	}
	file, err := fh.Open()
	if err != nil {
		return dealgate.Internal(err)
	}
	defer file.Close()
	_, err = s.register.AddDocumentForm(c.Request().Context(), currentUser(c), id, c.FormValue(onceField), fh.Filename, file)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.alreadySubmitted(c, err, agreementPath(id)+"#documents")
	}
	if err != nil {
		if dealgate.ErrorCode(err) == dealgate.EINVALID {
			msg := dealgate.ErrorFields(err)["file"]
			if msg == "" {
				msg = dealgate.ErrorMessage(err)
			}
			return s.renderAgreement(c, http.StatusUnprocessableEntity, msg)
		}
		return err
	}
	s.flash(c, "success", "Document "+fh.Filename+" added.")
	return redirectSeeOther(c, agreementPath(id)+"#documents")
}

func (s *Server) handleDocumentDownload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if c.Request().Method == http.MethodHead {
		// Only a real download is audited: HEAD reads the record, not the file.
		doc, err := s.register.Document(c.Request().Context(), currentUser(c), id)
		if err != nil {
			return err
		}
		h.Set("Content-Disposition", `attachment; filename="`+doc.DownloadName()+`"`)
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set(echo.HeaderContentType, doc.ContentType)
		h.Set(echo.HeaderContentLength, strconv.FormatInt(doc.SizeBytes, 10))
		return c.NoContent(http.StatusOK)
	}
	doc, content, err := s.register.DownloadDocument(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	// The name is chosen by the server from safe characters only.
	h.Set("Content-Disposition", `attachment; filename="`+doc.DownloadName()+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, doc.ContentType, content)
}

func (s *Server) loadDocument(c echo.Context) (dealgate.Document, dealgate.Agreement, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return dealgate.Document{}, dealgate.Agreement{}, err
	}
	doc, err := s.register.Document(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return doc, dealgate.Agreement{}, err
	}
	a, err := s.register.Agreement(c.Request().Context(), currentUser(c), doc.AgreementID)
	return doc, a, err
}

func (s *Server) handleDocumentRemoveConfirm(c echo.Context) error {
	doc, a, err := s.loadDocument(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Confirm(s.page(c, "Remove document"), pages.ConfirmView{
		Caption: a.Title, Title: "Remove " + doc.Filename + "?",
		Body:   []string{"The document will no longer be listed or downloadable from this agreement. The audit trail keeps a record that it existed, with its SHA-256."},
		Action: "/documents/" + strconv.FormatInt(doc.ID, 10) + "/remove", Button: "Remove document",
		Cancel: agreementPath(a.ID) + "#documents", CSRFToken: csrfToken(c),
	}))
}

func (s *Server) handleDocumentRemove(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	doc, err := s.register.RemoveDocument(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	s.flash(c, "success", "Document "+doc.Filename+" removed.")
	return redirectSeeOther(c, agreementPath(doc.AgreementID)+"#documents")
}
