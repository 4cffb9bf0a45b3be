*** Settings ***
Documentation       Bot skeleton exported by deskmine for C-0001: Copy customers from Excel into the CRM form
...                 Mined from 12 runs by 2 users; median 44 s by hand, about 0.8 h/month to save.
Library             RPA.Excel.Files
Library             RPA.Browser.Selenium    auto_close=${FALSE}

*** Variables ***
# TODO copy customers.xlsx into devdata/
${WORKBOOK_EXCEL}    ${CURDIR}${/}devdata${/}customers.xlsx
${column_customer}    customer
${column_amount}    amount
${column_iban}    iban
${column_e_mail}    e_mail
${column_due_date}    due_date
${in_comment}    ${EMPTY}    # TODO value typed into Comment

*** Tasks ***
Copy customers from Excel into the CRM form
    [Documentation]    Candidate C-0001.
    # TODO Column names come from the recorded headers or the fields the cells were pasted into; match them to the header row of sheet Customers.
    # TODO Re-indicate 'E-mail' in Chrome: no stable selector.
    # TODO Provide in_comment: the recording typed it by hand into 'Comment'.
    # TODO Column names come from the recorded headers or the fields the cells were pasted into; match them to the header row of sheet Customers.
    # Columns: A=customer, B=amount, C=iban, D=e_mail, E=due_date
    Open Workbook    ${WORKBOOK_EXCEL}
    ${rows}=    Read Worksheet As Table    name=Customers    header=${TRUE}    start=1
    Close Workbook
    Open Available Browser    https://crm.example.test/customers/new?ref\=&token\=    browser_selection=chrome    alias=chrome
    FOR    ${row}    IN    @{rows}
        ${customer}=    Set Variable    ${row}[${column_customer}]
        Click Element    id:customer
        Input Text    id:customer    ${customer}
        ${amount}=    Set Variable    ${row}[${column_amount}]
        Click Element    id:amount
        Input Text    id:amount    ${amount}
        ${iban}=    Set Variable    ${row}[${column_iban}]
        Click Element    css:input[name\='iban']
        Input Text    css:input[name\='iban']    ${iban}
        ${e_mail}=    Set Variable    ${row}[${column_e_mail}]
        # TODO re-indicate E-mail: the selector is a guess.
        Click Element    name:email
        # TODO re-indicate E-mail: the selector is a guess.
        Input Text    name:email    ${e_mail}
        ${due_date}=    Set Variable    ${row}[${column_due_date}]
        Click Element    xpath://input[@data-field\='due']
        Input Text    xpath://input[@data-field\='due']    ${due_date}
        # TODO Provide in_comment: the recording typed it by hand into 'Comment'.
        Input Text    id:comment    ${in_comment}
        Click Element    xpath://button[normalize-space()\='Save']
        # let the form submit
        Sleep    1s
        Go To    https://crm.example.test/customers/new?ref\=&token\=
    END
    [Teardown]    Close All Browsers
