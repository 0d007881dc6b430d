# Seconds each Pester file takes alone on the 2-core machine with nothing else running, measured with
# build.ps1 -Task Test (the runners print every file's time at the end). build.ps1 deals the files into its
# side-by-side runners by these, longest first; a file missing here counts 30 s. Refresh them when a file's
# time moves by much: a stale figure only unbalances the runners, it fails nothing.
@{
    'AccountSetup'        = 28
    'BadInput'            = 20
    'Binding'             = 5
    'Completion'          = 5
    'Connections'         = 105
    'Crash'               = 150
    'Export'              = 50
    'Faults'              = 95
    'Fidelity'            = 10
    'Formats'             = 5
    'Help'                = 10
    'HostileServer'       = 25
    'Import'              = 5
    'InDoubt'             = 65
    'ModuleLoading'       = 5
    'Package'             = 10
    'PersonalData'        = 27
    'Readme'              = 20
    'Resume'              = 77
    'Security'            = 15
    'Sync'                = 20
    'Test-CCEmailAddress' = 5
    'TokenRefresh'        = 20
    'UnattendedRun'       = 27
    'WindowsPowerShell'   = 5
}
