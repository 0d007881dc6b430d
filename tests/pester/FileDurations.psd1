# Seconds each Pester file took in build.ps1 -Task Test's own runs: two runners side by side, so each figure
# includes sharing the machine (the 'all runners' list at the end of a run prints them). build.ps1 deals the
# files into its runners by these, longest first, each to the runner with the least so far; a file missing here
# counts 30 s. Refresh them when a file's time moves by much: a stale figure only unbalances the runners, it
# fails nothing. These: 2026-12-06, the mean of two runs from clean clones on the 2-core machine beside other builds.
@{
    'AccountSetup'        = 32
    'BadInput'            = 58
    'Binding'             = 7
    'Completion'          = 5
    'Connections'         = 139
    'Crash'               = 201
    'Export'              = 64
    'Faults'              = 100
    'Fidelity'            = 15
    'Formats'             = 2
    'Help'                = 7
    'HostileServer'       = 38
    'Import'              = 3
    'InDoubt'             = 75
    'ListMap'             = 36
    'ModuleLoading'       = 6
    'Package'             = 4
    'PersonalData'        = 46
    'Readme'              = 14
    'Removal'             = 51
    'Resume'              = 108
    'Security'            = 37
    'Sync'                = 31
    'Test-CCEmailAddress' = 2
    'TokenRefresh'        = 29
    'UnattendedRun'       = 30
    'WindowsPowerShell'   = 1
}
