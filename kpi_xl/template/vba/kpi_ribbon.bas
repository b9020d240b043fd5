Attribute VB_Name = "kpi_ribbon"
Option Explicit
' Callbacks of the "KPI" ribbon tab (customUI/customUI.xml).
' Each one runs a fixed Python command: no cell text, file name or path is ever
' spliced into Python code. Python finds what it needs through the workbook
' itself (xw.Book.caller(), defined names).

Sub KpiRefresh(control As IRibbonControl)
    RunKpiCommand "refresh", "Actualisation des indicateurs..."
End Sub

Sub KpiValidate(control As IRibbonControl)
    RunKpiCommand "validate", "Vérification des données..."
End Sub

Sub KpiLoadSample(control As IRibbonControl)
    If MsgBox("Remplacer les données des feuilles de saisie par la boutique exemple ?" & vbCrLf & _
              "Replace the input sheets' data with the sample shop?", vbYesNo + vbQuestion, "KPI") = vbYes Then
        RunKpiCommand "load_sample", "Chargement de la boutique exemple..."
    End If
End Sub

Sub KpiImport(control As IRibbonControl)
    ' The chosen path goes into a named cell; Python reads it from there (never spliced into code).
    Dim chosen As Variant
    chosen = Application.GetOpenFilename("CSV (*.csv), *.csv", , "Importer un export / Import an export")
    If VarType(chosen) = vbBoolean Then Exit Sub
    ThisWorkbook.Names("kpi_import_path").RefersToRange.Value = chosen
    RunKpiCommand "import", "Import de l'export..."
End Sub

Sub KpiShowDefinitions(control As IRibbonControl)
    wsDefinitions.Activate
End Sub

Sub KpiShowDashboard(control As IRibbonControl)
    wsDashboard.Activate
End Sub

Private Sub RunKpiCommand(command As String, message As String)
    ' command is one of the fixed words above, never user text.
    Application.StatusBar = message
    Select Case command
        Case "refresh"
            RunPython "import kpi_xl.excel.ribbon as kpi; kpi.refresh()"
        Case "validate"
            RunPython "import kpi_xl.excel.ribbon as kpi; kpi.validate()"
        Case "load_sample"
            RunPython "import kpi_xl.excel.ribbon as kpi; kpi.load_sample()"
        Case "import"
            RunPython "import kpi_xl.excel.ribbon as kpi; kpi.import_chosen_file()"
    End Select
    Application.StatusBar = False
End Sub
