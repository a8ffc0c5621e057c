-- KI annual report (template ki_jahresbericht), sheet "stammdaten": renaming and casting only (macro ki_report_sheet).
{{ ki_report_sheet('stammdaten') }}
