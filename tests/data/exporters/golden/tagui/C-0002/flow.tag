// Bot skeleton exported by deskmine for C-0002: Copy the net value into the order reference in SAP
// TODO Check the path of saplogon.exe on the robot machine.
// TODO Provide in_order: the recording typed it by hand into 'Order'.
// TODO Re-indicate 'Sales' in SAP Logon: no stable selector.
// TODO Do by hand or script: SAP: drag the item row (drag in SAP Logon).
// TODO Which keys? The recording has no key names for 'SAP: hotkey'.
// TODO Re-indicate 'Status' in SAP Logon: no stable selector.
// TODO set in_order: value typed into Order
in_order = ""
// TODO Check the path of saplogon.exe on the robot machine.
run cmd /c start saplogon.exe
// TODO capture sap_logon_order.png: a screenshot of Order.
click sap_logon_order.png
// TODO Provide in_order: the recording typed it by hand into 'Order'.
// TODO capture sap_logon_order.png: a screenshot of Order.
type sap_logon_order.png as [clear]`in_order`
keyboard [enter]
// TODO re-indicate Sales: the selector is a guess.
// TODO capture sap_logon_sales.png: a screenshot of Sales.
click sap_logon_sales.png
// TODO capture sap_logon_net_value.png: a screenshot of Net value.
read sap_logon_net_value.png to net_value
// TODO capture sap_logon_your_reference.png: a screenshot of Your reference.
dclick sap_logon_your_reference.png
// TODO capture sap_logon_your_reference.png: a screenshot of Your reference.
type sap_logon_your_reference.png as [clear]`net_value`
// TODO Do by hand or script: SAP: drag the item row (drag in SAP Logon).
// Manual step not automated: drag in SAP Logon: SAP: drag the item row
// TODO Which keys? The recording has no key names for 'SAP: hotkey'.
keyboard [ctrl]s
// TODO re-indicate Status: the selector is a guess.
// TODO capture sap_logon_status.png: a screenshot of Status.
rclick sap_logon_status.png
