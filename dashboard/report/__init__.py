"""The EFRO progress report: its content, the PDF and the Excel workbook."""
