// WorkingCalendar module.
