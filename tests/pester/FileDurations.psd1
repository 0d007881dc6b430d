# Seconds each Pester file took in build.ps1 -Task Test's own run: two runners side by side, so each figure
# includes sharing the machine (the 'all runners' list at the end of the run prints them). build.ps1 deals the
# files into its runners by these, longest first, each to the runner with the least so far; a file missing here
# counts 30 s. Refresh them when a file's time moves by much: a stale figure only unbalances the runners, it
# fails nothing. These: 2026-12-06, a clean clone on the 2-core machine beside other builds.
@{
    'AccountSetup'        = 41
    'BadInput'            = 78
    'Binding'             = 10
    'Completion'          = 7
    'Connections'         = 165
    'Crash'               = 213
    'Export'              = 60
    'Faults'              = 97
    'Fidelity'            = 14
    'Formats'             = 1
    'Help'                = 6
    'HostileServer'       = 37
    'Import'              = 3
    'InDoubt'             = 63
    'ModuleLoading'       = 5
    'Package'             = 4
    'PersonalData'        = 45
    'Readme'              = 14
    'Resume'              = 94
    'Security'            = 35
    'Sync'                = 30
    'Test-CCEmailAddress' = 1
    'TokenRefresh'        = 28
    'UnattendedRun'       = 27
    'WindowsPowerShell'   = 1
}
