-- KI annual report (template ki_jahresbericht), sheet "tintg" (KIM, Land-funded posts, Gemeinden with a mandatory
-- Integrationsrat): renaming and casting only (macro ki_report_sheet).
{{ ki_report_sheet('tintg') }}
