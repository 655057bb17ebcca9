DROP TABLE deal_attachment_content;
DROP TABLE deal_attachment;
DROP TABLE deal_share;
DROP TABLE deal_version;
DROP TABLE deal;
