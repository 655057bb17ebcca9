package dealgate

import "archive/zip"
import "bytes"
import "fmt"
import "strings"
import "time"
import "unicode"
import "unicode/utf8"

// SniffDocument decides a document's content type from its bytes, never
// from its name: a PDF starts with %PDF-; a DOCX is a ZIP holding
// [Content_Types].xml and word/document.xml; plain text is valid UTF-8
// without control characters other than white space. ok is false for
// anything else.
func SniffDocument(b []byte) (contentType string, ok bool) {
	switch {
	case len(b) == 0:
		return "", false
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return ContentTypePDF, true
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		if isDOCX(b) {
			return ContentTypeDOCX, true
		}
		return "", false
	case isPlainText(b):
		return ContentTypeText, true
	}
	return "", false
}

func isDOCX(b []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return false
	}
	var types, doc bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "word/document.xml":
			doc = true
		}
	}
	return types && doc
}

func isPlainText(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")) // UTF-8 byte order mark
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			return false
		}
	}
	return true
}

// ValidateDocument checks an upload: its size against max and its sniffed
// type. Problems are reported on the "file" field.
func ValidateDocument(filename string, content []byte, max int64) (contentType string, err error) {
	var v Validation
	name := cleanLine(filename)
	switch {
	case len(content) == 0:
		v.Add("file", "The file is empty; choose the agreement's document")
	case int64(len(content)) > max:
		v.Add("file", "The file is larger than the limit of "+formatBytes(max))
	default:
		ct, ok := SniffDocument(content)
		if !ok {
			v.Add("file", "The file must be a PDF, a Word document (.docx) or plain text")
		}
		contentType = ct
	}
	if name == "" || tooLong(name, 255) {
		v.Add("file", "The file name must be 1 to 255 characters")
	}
	return contentType, v.Err()
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return formatMinor(n>>20, 0, true) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return formatMinor(n>>10, 0, true) + " KB"
	}
	return formatMinor(n, 0, true) + " bytes"
}

// ---------------------------------------------------------------------------
// Documents

// Document content types, decided by sniffing the bytes, never by the name.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ContentTypeText = "text/plain"
)

// DefaultMaxDocumentBytes is the upload limit unless configured otherwise.
const DefaultMaxDocumentBytes = 20 << 20

// StoredFile is what is kept of an uploaded file besides its content: an
// agreement's document and a deal's attachment alike.
type StoredFile struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"` // as uploaded; shown, never used to serve
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	SHA256      []byte    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  *int64    `json:"uploaded_by"`
}

// Document is an agreement's document, without its content.
type Document struct {
	StoredFile
	AgreementID int64 `json:"agreement_id"`
}

// DownloadName is the server-chosen file name for a download (see
// StoredFile.downloadName).
func (d Document) DownloadName() string { return d.downloadName("agreement", d.AgreementID) }

// Extension is the file extension for the file's content type.
func (f StoredFile) Extension() string {
	switch f.ContentType {
	case ContentTypePDF:
		return ".pdf"
	case ContentTypeDOCX:
		return ".docx"
	default:
		return ".txt"
	}
}

// downloadName is "owner-ownerID-stem-ID.ext": ASCII letters, digits and
// hyphens from the uploaded name's stem, the file's ID, and the extension of
// the sniffed type. It never contains quotes, slashes or control characters,
// so it is safe in a Content-Disposition header.
func (f StoredFile) downloadName(owner string, ownerID int64) string {
	stem := f.Filename
	if i := strings.LastIndexByte(stem, '.'); i > 0 {
		stem = stem[:i]
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(stem) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "document"
	}
	return fmt.Sprintf("%s-%d-%s-%d%s", owner, ownerID, s, f.ID, f.Extension())
}
