-- KI annual report (template ki_jahresbericht), sheet "programme": renaming and casting only (macro ki_report_sheet).
{{ ki_report_sheet('programme') }}
