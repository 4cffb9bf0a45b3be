*** Settings ***
Documentation       Bot skeleton exported by deskmine for C-0002: Copy the net value into the order reference in SAP
...                 Mined from 6 runs by 1 users; median 28 s by hand, about 0.4 h/month to save.
Library             RPA.Windows

*** Variables ***
${in_order}    ${EMPTY}    # TODO value typed into Order

*** Tasks ***
Copy the net value into the order reference in SAP
    [Documentation]    Candidate C-0002.
    # TODO Check the path of saplogon.exe on the robot machine.
    # TODO Provide in_order: the recording typed it by hand into 'Order'.
    # TODO Re-indicate 'Sales' in SAP Logon: no stable selector.
    # TODO Do by hand or script: SAP: drag the item row (drag in SAP Logon).
    # TODO Which keys? The recording has no key names for 'SAP: hotkey'.
    # TODO Re-indicate 'Status' in SAP Logon: no stable selector.
    # TODO Check the path of saplogon.exe on the robot machine.
    Windows Run    saplogon.exe
    Control Window    executable:saplogon.exe
    Click    id:"wnd[0]/usr/ctxtVBAK-VBELN" and type:EditControl
    # TODO Provide in_order: the recording typed it by hand into 'Order'.
    Set Value    id:"wnd[0]/usr/ctxtVBAK-VBELN" and type:EditControl    ${in_order}
    Send Keys    keys={Enter}
    # TODO re-indicate Sales: the selector is a guess.
    Click    name:"Sales" and type:TabItemControl
    ${net_value}=    Get Value    id:"wnd[0]/usr/txtVBAK-NETWR" and type:EditControl
    Double Click    id:"wnd[0]/usr/txtVBKD-IHREZ" and type:EditControl
    Set Value    id:"wnd[0]/usr/txtVBKD-IHREZ" and type:EditControl    ${net_value}
    # TODO Do by hand or script: SAP: drag the item row (drag in SAP Logon).
    Log    Manual step not automated: drag in SAP Logon: SAP: drag the item row    level=WARN
    # TODO Which keys? The recording has no key names for 'SAP: hotkey'.
    Log    TODO Which keys? The recording has no key names for 'SAP: hotkey'.    level=WARN
    Send Keys    keys={Ctrl}s
    # TODO re-indicate Status: the selector is a guess.
    Right Click    name:"Status" and type:StatusBarControl
