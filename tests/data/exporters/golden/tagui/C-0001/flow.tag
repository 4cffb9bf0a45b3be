// Bot skeleton exported by deskmine for C-0001: Copy customers from Excel into the CRM form
// TODO Column names come from the recorded headers or the fields the cells were pasted into; match them to the header row of sheet Customers.
// TODO Re-indicate 'E-mail' in Chrome: no stable selector.
// TODO Provide in_comment: the recording typed it by hand into 'Comment'.
// TODO set in_comment: value typed into Comment
in_comment = ""
// TODO Column names come from the recorded headers or the fields the cells were pasted into; match them to the header row of sheet Customers.
// TODO set the last row: rows 2 to 1001 are read; columns A=customer, B=amount, C=iban, D=e_mail, E=due_date
rows = [customers.xlsx]Customers!A2:E1001
https://crm.example.test/customers/new?ref=&token=
for n from 0 to rows.length-1
    customer = rows[n][0]
    click //*[@id="customer"]
    type //*[@id="customer"] as [clear]`customer`
    amount = rows[n][1]
    click //*[@id="amount"]
    type //*[@id="amount"] as [clear]`amount`
    iban = rows[n][2]
    click input[name='iban']
    type input[name='iban'] as [clear]`iban`
    e_mail = rows[n][3]
    // TODO re-indicate E-mail: the selector is a guess.
    click //*[@name="email"]
    // TODO re-indicate E-mail: the selector is a guess.
    type //*[@name="email"] as [clear]`e_mail`
    due_date = rows[n][4]
    click //input[@data-field='due']
    type //input[@data-field='due'] as [clear]`due_date`
    // TODO Provide in_comment: the recording typed it by hand into 'Comment'.
    type //*[@id="comment"] as [clear]`in_comment`
    // submit: Save
    click //button[normalize-space()='Save']
    // let the form submit
    wait 1
    https://crm.example.test/customers/new?ref=&token=
